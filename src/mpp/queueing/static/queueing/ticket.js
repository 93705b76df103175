// The ticket status page follows the line without reloading: every 30 seconds it asks for the page
// again and, when the status part changed, puts the new one in place (an aria-live region, so a
// screen reader hears the change once, and focus and scroll stay where they are). Without
// JavaScript the "Perbarui sekarang" link does the same by hand; no meta refresh (WCAG 2.2.1).
(function () {
  "use strict";
  var region = document.getElementById("ticket-status");
  if (!region || !window.fetch || !window.DOMParser) return;
  var seconds = parseInt(region.getAttribute("data-refresh-seconds"), 10) || 30;
  function update() {
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (answer) { return answer.ok ? answer.text() : null; })
      .then(function (html) {
        if (html === null) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("ticket-status");
        if (fresh && fresh.innerHTML !== region.innerHTML) region.innerHTML = fresh.innerHTML;
        if (fresh && fresh.hasAttribute("data-refresh-seconds")) setTimeout(update, seconds * 1000);
      })
      .catch(function () { setTimeout(update, seconds * 1000); });
  }
  setTimeout(update, seconds * 1000);
})();
