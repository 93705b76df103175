// "Use my location": an optional control that fills the hidden coordinates of the complaint
// form from the browser's geolocation. Without JavaScript the form works with the place text.
(function () {
  "use strict";
  var holder = document.querySelector("[data-use-location]");
  var latitude = document.getElementById("id_latitude");
  var longitude = document.getElementById("id_longitude");
  if (!holder || !latitude || !longitude || !navigator.geolocation) return;
  var button = document.createElement("button");
  button.type = "button";
  button.className = "button button--secondary button--small";
  button.textContent = holder.getAttribute("data-label");
  var status = document.createElement("p");
  status.className = "field__hint";
  status.setAttribute("role", "status");
  holder.appendChild(button);
  holder.appendChild(status);
  button.addEventListener("click", function () {
    status.textContent = holder.getAttribute("data-wait");
    navigator.geolocation.getCurrentPosition(
      function (position) {
        latitude.value = position.coords.latitude.toFixed(6);
        longitude.value = position.coords.longitude.toFixed(6);
        var place = document.querySelector("input[name=place][value=elsewhere]");
        if (place) place.checked = true;
        status.textContent = holder.getAttribute("data-done");
      },
      function () {
        status.textContent = holder.getAttribute("data-failed");
      },
      { enableHighAccuracy: true, timeout: 15000 }
    );
  });
})();
