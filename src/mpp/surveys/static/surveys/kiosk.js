// The kiosk's thank-you screen returns to a fresh survey by itself after a few seconds.
document.addEventListener("DOMContentLoaded", function () {
  var screen = document.querySelector("[data-kiosk-reset]");
  if (!screen) return;
  window.setTimeout(function () { window.location.assign(screen.getAttribute("data-kiosk-reset")); }, 6000);
});
