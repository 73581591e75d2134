// The spot-check form on a phone: "all pass" in one tap, and scanning a unit's QR code.
// Loaded as a file (the pages' CSP forbids inline script); the form works without it.
(function () {
  "use strict";
  var form = document.querySelector("form.spot-form");
  if (!form) return;

  // All pass: tick every item's "pass" here instead of asking the server to.
  var allPass = form.querySelector("[data-all-pass]");
  if (allPass) {
    allPass.addEventListener("click", function (event) {
      event.preventDefault();
      var radios = form.querySelectorAll("input[type=radio][value=pass]");
      for (var i = 0; i < radios.length; i++) radios[i].checked = true;
    });
  }

  // A failed item needs its evidence: open its note and photo when "fail" is ticked.
  form.addEventListener("change", function (event) {
    var t = event.target;
    if (!t || t.type !== "radio" || t.value !== "fail" || !t.checked) return;
    var item = t.closest(".item");
    var box = item && item.querySelector("[data-evidence]");
    if (box) box.open = true;
  });

  // Scanning: the unit's QR code holds /units/scan?unit=ID; pick that unit here.
  var button = form.querySelector("[data-scan]");
  var box = form.querySelector("[data-scanner]");
  var video = form.querySelector("[data-scan-video]");
  var failed = form.querySelector("[data-scan-failed]");
  var input = form.querySelector("#unit");
  var media = navigator.mediaDevices;
  if (!button || !box || !video || !input || !media || !media.getUserMedia) return;
  button.hidden = false;
  var stream = null;
  var timer = null;
  var canvas = document.createElement("canvas");

  function unitFrom(text) {
    try {
      var url = new URL(text, window.location.href);
      if (url.pathname !== "/spot-checks/new") return null;
      var id = url.searchParams.get("unit");
      return id && /^\d+$/.test(id) ? id : null;
    } catch (e) {
      return null;
    }
  }

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
    if (!option) return false;
    input.value = option.value;
    input.dispatchEvent(new Event("change", { bubbles: true }));
    stop();
    input.focus();
    return true;
  }

  function withJsQR(then) {
    if (window.jsQR) return then(window.jsQR);
    var s = document.createElement("script");
    s.src = "/static/vendor/jsqr/jsQR.js";
    s.onload = function () { then(window.jsQR); };
    s.onerror = function () { then(null); };
    document.head.appendChild(s);
  }

  function loop(read) {
    if (!stream) return;
    read().then(function (text) {
      if (!(text && found(text)) && stream) timer = window.setTimeout(function () { loop(read); }, 250);
    }, function () {
      if (stream) timer = window.setTimeout(function () { loop(read); }, 500);
    });
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
})();
