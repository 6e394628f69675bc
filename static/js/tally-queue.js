// The counter keeps counting without a connection.
//
// Each tap and each undo gets an id made here (crypto.randomUUID) and goes into a queue in
// localStorage; the queue is sent in batches to the centre's sync address, and an event
// leaves the queue only when the server has answered for it. The server applies each id
// at most once, so sending again after a lost answer counts nothing twice. The screen
// shows the server's last count plus what waits here. Without this script (or without
// crypto.randomUUID or localStorage) the forms post as before.
(function () {
  "use strict";

  const counter = document.getElementById("tally-counter");
  if (!counter || !window.crypto || !crypto.randomUUID || !window.localStorage || !window.fetch) {
    return;
  }
  // The texts come once with the page, on the element around the counter.
  const texts = document.getElementById("tally").dataset;
  const centre = counter.dataset.centre;
  const syncUrl = counter.dataset.syncUrl;
  const queueKey = "vaerested:tally:" + centre + ":queue";
  const recentKey = "vaerested:tally:" + centre + ":recent";
  const countedKey = "vaerested:tally:" + centre + ":counted";
  // Events the server refused, kept on the device and shown, never sent again.
  const refusedKey = "vaerested:tally:" + centre + ":refused";
  const BATCH = 200;
  const LONGEST_WAIT = 60000;
  const RECENT = 20;
  let wait = 1000;
  let timer = null;
  let sending = false;
  let note = "";

  function read(key, fallback) {
    try {
      const value = JSON.parse(localStorage.getItem(key));
      return value === null ? fallback : value;
    } catch (error) {
      return fallback;
    }
  }

  function write(key, value) {
    localStorage.setItem(key, JSON.stringify(value));
  }

  // The day of a moment here, in the centre's time zone, as the page writes it.
  const days = new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Copenhagen" });
  function dayOf(ms) {
    return days.format(new Date(ms));
  }

  // Today on this device: the page may be a kept copy from an earlier day.
  function today() {
    return dayOf(Date.now());
  }

  // The newest count the server has given for today: from this page or from a sync
  // answer; none yet (0, marked stale) when both are from an earlier day.
  function counted() {
    const fromPage = {
      today: counter.dataset.today,
      visits: Number(counter.dataset.visits),
      new_visits: Number(counter.dataset.newVisits),
      at: Number(counter.dataset.at),
    };
    const kept = read(countedKey, null);
    const newest = kept && kept.today === fromPage.today && kept.at > fromPage.at ? kept : fromPage;
    if (kept && kept.today === today() && kept.today !== fromPage.today) return kept;
    if (newest.today !== today()) return { today: today(), visits: 0, new_visits: 0, at: 0, stale: true };
    return newest;
  }

  function render() {
    const queue = read(queueKey, []);
    const base = counted();
    let visits = base.visits;
    let newVisits = base.new_visits;
    for (const event of queue) {
      // Taps (and their undos, made the same day) of an earlier day count for that day.
      if (dayOf(event.at) !== base.today) continue;
      const sign = event.action === "tap" ? 1 : -1;
      visits += sign;
      if (event.new) newVisits += sign;
    }
    visits = Math.max(visits, 0);
    newVisits = Math.max(Math.min(newVisits, visits), 0);
    const words = visits === 1 ? texts.wordsOne : texts.wordsMany;
    const el = counter.querySelector(".tally-number");
    if (el.textContent !== String(visits)) el.textContent = visits;
    counter.querySelector(".tally-words").textContent = words.replace("__new__", newVisits);
    const box = counter.querySelector(".tally-queue");
    box.hidden = queue.length === 0 && !note;
    counter.querySelector(".tally-waiting").textContent = queue.length
      ? texts.waiting.replace("__n__", queue.length)
      : "";
    counter.querySelector(".tally-waiting").hidden = queue.length === 0;
    const refused = read(refusedKey, []);
    box.hidden = box.hidden && refused.length === 0;
    box.hidden = box.hidden && !base.stale;
    counter.querySelector(".tally-note").textContent = [
      base.stale ? texts.stale : "",
      refused.length ? texts.refused.replace("__n__", refused.length) : "",
      note,
    ].filter(Boolean).join(" ");
    counter.querySelector(".tally-undo").disabled = recent().length === 0;
  }

  function enqueue(event) {
    write(queueKey, [...read(queueKey, []), event]);
  }

  function tap(isNew) {
    const event = { id: crypto.randomUUID(), action: "tap", new: isNew, at: Date.now() };
    enqueue(event);
    write(recentKey, [...recent(), { id: event.id, new: isNew, today: today() }].slice(-RECENT));
    counter.querySelector(".tally-undone").textContent = "";
    render();
    sendSoon(0);
  }

  // The taps made here today, newest last: what undo can take back.
  function recent() {
    return read(recentKey, []).filter((tap) => tap.today === today());
  }

  function undo() {
    const taps = recent();
    const last = taps.pop();
    if (!last) return;
    write(recentKey, taps);
    enqueue({ id: crypto.randomUUID(), action: "undo", undoes: last.id, new: last.new, at: Date.now() });
    counter.querySelector(".tally-undone").textContent = texts.undone;
    render();
    sendSoon(0);
  }

  function sendSoon(delay) {
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(send, delay);
  }

  function failed(message) {
    note = message;
    render();
    sendSoon(wait);
    wait = Math.min(wait * 2, LONGEST_WAIT);
  }

  async function send() {
    timer = null;
    if (sending) return;
    const batch = read(queueKey, []).slice(0, BATCH);
    if (batch.length === 0) {
      note = "";
      render();
      return;
    }
    if (navigator.onLine === false) {
      failed(texts.offline);
      return;
    }
    sending = true;
    let response;
    try {
      response = await fetch(syncUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": counter.dataset.csrf },
        body: JSON.stringify({ sent_at: Date.now(), events: batch }),
      });
    } catch (error) {
      sending = false;
      failed(texts.offline);
      return;
    }
    sending = false;
    const type = response.headers.get("Content-Type") || "";
    if (response.redirected || response.status === 403) {
      failed(texts.signedOut);
      return;
    }
    if (!type.startsWith("application/json")) {
      failed(texts.failed); // the database away (503) or another fault
      return;
    }
    let answer;
    try {
      answer = await response.json();
    } catch (error) {
      failed(texts.failed);
      return;
    }
    if (!response.ok) {
      if (answer.event) {
        // One event to blame: set it aside on the device (shown, never dropped), send the rest.
        const queue = read(queueKey, []);
        const blamed = queue.filter((event) => event.id === answer.event);
        write(refusedKey, [...read(refusedKey, []), ...blamed.map((e) => ({ ...e, error: answer.error }))]);
        write(queueKey, queue.filter((event) => event.id !== answer.event));
        note = "";
        render();
        sendSoon(0);
        return;
      }
      // Kept: a refused batch is never dropped here; the message says why.
      failed(answer.error || texts.failed);
      return;
    }
    const done = new Set(answer.applied);
    write(queueKey, read(queueKey, []).filter((event) => !done.has(event.id)));
    write(countedKey, {
      today: answer.today,
      visits: answer.visits,
      new_visits: answer.new_visits,
      at: answer.at,
    });
    wait = 1000;
    note = "";
    render();
    if (read(queueKey, []).length) sendSoon(0);
  }

  // Take over the buttons before htmx sees the submit (capture phase on the document).
  document.addEventListener(
    "submit",
    (event) => {
      const form = event.target;
      if (!counter.contains(form)) return;
      event.preventDefault();
      event.stopPropagation();
      if (form.classList.contains("tally-tap-form")) {
        tap(event.submitter ? event.submitter.value === "1" : false);
      } else if (form.classList.contains("tally-undo-form")) {
        undo();
      }
    },
    true,
  );
  window.addEventListener("online", () => {
    wait = 1000;
    sendSoon(0);
  });
  window.addEventListener("offline", () => {
    if (read(queueKey, []).length) {
      note = texts.offline;
      render();
    }
  });
  window.addEventListener("storage", (event) => {
    if (event.key && event.key.startsWith("vaerested:tally:" + centre + ":")) render();
  });

  render();
  sendSoon(0);

  // Keep the counter and its files for a reload without a connection.
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker
      .register("/sw.js", { scope: "/centres/" })
      .then(() => navigator.serviceWorker.ready)
      .then((registration) => {
        const urls = [location.pathname];
        document.querySelectorAll("script[src], link[rel=stylesheet][href], link[rel=icon][href], link[rel=manifest][href]").forEach((el) => {
          urls.push(el.getAttribute("src") || el.getAttribute("href"));
        });
        if (registration.active && navigator.onLine !== false) {
          registration.active.postMessage({ type: "keep", urls: urls });
        }
      })
      .catch(() => {});
  }
})();
