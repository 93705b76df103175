// The kiosk never shows a number the server did not give: a form is sent with fetch and only the
// server's answer (the receipt page) is shown; a lost connection shows a clear message instead.
(function () {
  "use strict";
  var alertBox = document.getElementById("kiosk-alert");
  var offline = document.getElementById("kiosk-offline");
  var busy = false;

  function show(text) {
    alertBox.textContent = text;
    alertBox.hidden = false;
    alertBox.scrollIntoView({ block: "center" });
  }

  function offlineText() {
    return offline.getAttribute("data-offline-text");
  }

  function updateOnline() {
    offline.hidden = navigator.onLine;
    offline.textContent = navigator.onLine ? "" : offlineText();
  }

  window.addEventListener("online", updateOnline);
  window.addEventListener("offline", updateOnline);
  updateOnline();

  document.querySelectorAll("[data-kiosk-form]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (busy) return;
      if (!navigator.onLine) {
        show(offlineText());
        return;
      }
      busy = true;
      var data = new FormData(form);
      if (event.submitter && event.submitter.name) {
        data.append(event.submitter.name, event.submitter.value);
      }
      var controller = new AbortController();
      var timer = setTimeout(function () { controller.abort(); }, 10000);
      fetch(form.action, { method: "POST", body: data, credentials: "same-origin", signal: controller.signal })
        .then(function (response) {
          clearTimeout(timer);
          if (response.redirected && response.ok) {
            window.location.assign(response.url);
            return null;
          }
          return response.text().then(function (html) {
            var doc = new DOMParser().parseFromString(html, "text/html");
            var message = doc.querySelector("[data-kiosk-message]");
            show(message && message.textContent.trim() ? message.textContent.trim() : offlineText());
          });
        })
        .catch(function () {
          clearTimeout(timer);
          show(offlineText());
        })
        .then(function () { busy = false; });
    });
  });
})();
