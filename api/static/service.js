// The executor's phone view: scan the unit's QR code to check in. The codes by the doors hold
// /units/scan?unit=ID; the id goes into the arrival form (method "qr" on the server).
// Loaded as a file (the pages' CSP forbids inline script); the forms work without it.
(function () {
  "use strict";
  var media = navigator.mediaDevices;
  var forms = document.querySelectorAll("form.my-step");
  if (!forms.length) return;

  function unitFrom(text) {
    try {
      var url = new URL(text, window.location.href);
      var id = url.searchParams.get("unit");
      if (url.pathname !== "/spot-checks/new" && url.pathname !== "/service/my/checkin") return null;
      return id && /^\d+$/.test(id) ? id : null;
    } catch (e) {
      return null;
    }
  }

  function withJsQR(then) {
    if (window.jsQR) return then(window.jsQR);
    var s = document.createElement("script");
    s.src = "/static/vendor/jsqr/jsQR.js";
    s.onload = function () { then(window.jsQR); };
    s.onerror = function () { then(null); };
    document.head.appendChild(s);
  }

  Array.prototype.forEach.call(forms, function (form) {
    var input = form.querySelector("[data-unit-input]");
    var hidden = form.querySelector("[data-unit-id]");
    if (input && hidden) {
      // Typing a unit replaces a scanned one: the server then records a typed check-in.
      input.addEventListener("input", function () { hidden.value = ""; });
    }
    var button = form.querySelector("[data-scan]");
    var box = form.querySelector("[data-scanner]");
    var video = form.querySelector("[data-scan-video]");
    var failed = form.querySelector("[data-scan-failed]");
    if (!button || !box || !video || !input || !hidden || !media || !media.getUserMedia) return;
    button.hidden = false;
    var stream = null;
    var timer = null;
    var canvas = document.createElement("canvas");

    function stop() {
      if (timer) window.clearTimeout(timer);
      timer = null;
      if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
      stream = null;
      video.srcObject = null;
      box.hidden = true;
    }

    function found(text) {
      var id = unitFrom(text);
      if (!id) return false;
      var option = document.querySelector('#unit-list option[data-id="' + id + '"]');
      input.value = option ? option.value : "";
      hidden.value = id;
      stop();
      return true;
    }

    function reader(decode) {
      if ("BarcodeDetector" in window) {
        var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        return function () {
          return detector.detect(video).then(function (codes) {
            return codes.length ? codes[0].rawValue : null;
          });
        };
      }
      return function () {
        return new Promise(function (resolve) {
          var w = video.videoWidth, h = video.videoHeight;
          if (!w || !h || !decode) return resolve(null);
          canvas.width = w;
          canvas.height = h;
          var c = canvas.getContext("2d");
          c.drawImage(video, 0, 0, w, h);
          var code = decode(c.getImageData(0, 0, w, h).data, w, h);
          resolve(code ? code.data : null);
        });
      };
    }

    function loop(read) {
      if (!stream) return;
      read().then(function (text) {
        if (!(text && found(text)) && stream) timer = window.setTimeout(function () { loop(read); }, 250);
      }, function () {
        if (stream) timer = window.setTimeout(function () { loop(read); }, 500);
      });
    }

    button.addEventListener("click", function () {
      failed.hidden = true;
      box.hidden = false;
      media.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (s) {
        stream = s;
        video.srcObject = s;
        return video.play();
      }).then(function () {
        if ("BarcodeDetector" in window) return loop(reader(null));
        withJsQR(function (decode) {
          if (!decode) { stop(); failed.hidden = false; box.hidden = false; return; }
          loop(reader(decode));
        });
      }).catch(function () {
        stop();
        box.hidden = false;
        failed.hidden = false;
      });
    });
    form.querySelector("[data-scan-stop]").addEventListener("click", stop);
  });
})();
