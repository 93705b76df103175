// The hall display: polls the calls fragment (ETag, 304 while nothing changed), swaps it in, and on a
// new call plays a chime and, when sound is switched on, speaks the call in Indonesian.
(function () {
  "use strict";
  var root = document.querySelector("[data-display]");
  if (!root) return;
  var url = root.getAttribute("data-poll-url");
  var target = document.getElementById("calls");
  var offline = root.querySelector("[data-offline]");
  var button = root.querySelector("[data-sound]");
  var sound = false;
  var etag = null;
  var first = target.querySelector("[data-last-id]");
  var lastId = first ? Number(first.dataset.lastId) : 0;
  var audio = null;

  button.addEventListener("click", function () {
    sound = !sound;
    button.setAttribute("aria-pressed", String(sound));
    if (sound && !audio && window.AudioContext) audio = new AudioContext();
  });

  function chime() {
    if (!audio) return;
    [880, 660].forEach(function (frequency, index) {
      var oscillator = audio.createOscillator();
      var gain = audio.createGain();
      var start = audio.currentTime + index * 0.45;
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.3, start);
      gain.gain.exponentialRampToValueAtTime(0.001, start + 0.4);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(start);
      oscillator.stop(start + 0.4);
    });
  }

  function speak(code, counter) {
    if (!window.speechSynthesis) return;
    var text = root.getAttribute("data-say").replace("%(code)s", code.split("-").join(" ")).replace("%(counter)s", counter);
    var utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = root.getAttribute("data-lang");
    utterance.rate = 0.9;
    window.speechSynthesis.speak(utterance);
  }

  function poll() {
    var headers = etag ? { "If-None-Match": etag } : {};
    fetch(url, { headers: headers, cache: "no-cache" })
      .then(function (response) {
        offline.hidden = true;
        if (response.status === 304) return null;
        if (!response.ok) throw new Error(String(response.status));
        etag = response.headers.get("ETag");
        return response.text();
      })
      .then(function (html) {
        if (html === null) return;
        target.innerHTML = html;
        var calls = target.querySelector("[data-last-id]");
        var id = Number(calls.dataset.lastId);
        if (id > lastId && calls.dataset.code) {
          chime();
          if (sound) speak(calls.dataset.code, calls.dataset.counter);
          document.body.classList.add("display--flash");
          setTimeout(function () { document.body.classList.remove("display--flash"); }, 3000);
        }
        lastId = id;
      })
      .catch(function () { offline.hidden = false; })
      .then(function () { setTimeout(poll, 2000); });
  }
  setTimeout(poll, 2000);
})();
