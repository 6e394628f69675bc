// Shows the print button on the participant list and prints the page when tapped.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.classList.remove("d-none");
  button.addEventListener("click", () => window.print());
});
