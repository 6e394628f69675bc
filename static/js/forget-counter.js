// The sign-in page (where signing out lands, and where anyone starts on a shared phone)
// forgets the counter pages the service worker kept: they carry the last person's name
// and menu, and must not be shown offline to whoever comes next. The files the page
// loads (under /static/) stay; taps still waiting in the queue (localStorage) stay too.
"use strict";

if ("caches" in window) {
  caches
    .keys()
    .then((names) =>
      Promise.all(
        names
          .filter((name) => name.startsWith("vaerested-counter"))
          .map((name) =>
            caches.open(name).then((cache) =>
              cache.keys().then((requests) =>
                Promise.all(
                  requests
                    .filter((request) => !new URL(request.url).pathname.startsWith("/static/"))
                    .map((request) => cache.delete(request)),
                ),
              ),
            ),
          ),
      ),
    )
    .catch(() => null);
}
