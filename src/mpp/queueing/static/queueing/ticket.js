// The ticket status page follows the line: it reloads every 30 seconds while the ticket is active
// (without JavaScript a <noscript> refresh does the same, as on the hall display).
(function () {
  "use strict";
  var page = document.querySelector("[data-refresh-seconds]");
  if (!page) return;
  var seconds = parseInt(page.getAttribute("data-refresh-seconds"), 10);
  setTimeout(function () { window.location.reload(); }, seconds * 1000);
})();
