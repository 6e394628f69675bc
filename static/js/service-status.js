// The page's status region (base.html) shows that an htmx request could not be saved
// (config.outage). The next request that succeeds clears it.
document.addEventListener("htmx:afterRequest", (event) => {
  const status = document.getElementById("service-status");
  if (status && event.detail.successful) {
    status.replaceChildren();
  }
});
