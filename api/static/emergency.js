// 到达现场: put the phone's position into the check-in form before it is sent.
// The time of the check-in is the server's; this only adds where the phone was.
(function () {
  "use strict";
  document.querySelectorAll("form.arrive-form").forEach(function (form) {
    var ref = form.querySelector(".arrive-ref");
    var status = form.querySelector(".arrive-status");
    form.addEventListener("submit", function (event) {
      if (ref.value || !navigator.geolocation) { return; }
      event.preventDefault();
      status.textContent = form.dataset.locating || "";
      navigator.geolocation.getCurrentPosition(function (pos) {
        ref.value = pos.coords.latitude.toFixed(6) + "," + pos.coords.longitude.toFixed(6);
        form.submit();
      }, function () {
        status.textContent = form.dataset.noPosition || "";
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  });
})();
