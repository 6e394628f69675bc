// The print button: shown once this script runs, it opens the print dialog (no inline
// scripts: strict CSP).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.classList.remove("d-none");
  button.addEventListener("click", () => window.print());
});
