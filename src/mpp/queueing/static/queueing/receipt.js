// Print the receipt once on the kiosk, then return to the start screen.
(function () {
  "use strict";
  var receipt = document.querySelector("[data-autoprint]");
  var again = document.querySelector("[data-print]");
  if (again) again.addEventListener("click", function () { window.print(); });
  if (!receipt) return;
  window.addEventListener("load", function () {
    window.print();
    setTimeout(function () { window.location.assign(receipt.getAttribute("data-back")); }, 20000);
  });
})();
