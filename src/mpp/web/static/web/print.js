// The receipt's "Cetak" button opens the browser's print dialog (without JavaScript: Ctrl+P).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) window.print();
});
