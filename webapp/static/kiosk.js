/* Kiosk mode: after two minutes without a touch, key or scroll, go back to the kiosk's start page
   (the next visitor must not see the previous one's lookup). Reads <body data-kiosk-home data-idle-seconds>. */
(function () {
  "use strict";
  var body = document.body;
  var home = body.dataset.kioskHome;
  var seconds = parseInt(body.dataset.idleSeconds || "120", 10);
  var timer = null;

  function reset() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(function () { window.location.replace(home); }, seconds * 1000);
  }

  ["pointerdown", "keydown", "scroll", "touchstart", "input"].forEach(function (name) {
    window.addEventListener(name, reset, { passive: true });
  });
  reset();
})();
