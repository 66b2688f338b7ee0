/* Supervision desk: the live yellow and red lists refresh in place every minute (the page works without it). */
(function () {
  "use strict";
  var region = document.getElementById("live-region");
  if (!region || !window.fetch) { return; }
  var seconds = parseInt(region.dataset.interval, 10) || 60;
  var stamp = document.getElementById("live-updated");
  function refresh() {
    fetch(region.dataset.refresh, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.text(); })
      .then(function (html) {
        region.innerHTML = html;
        region.dataset.refreshed = String((parseInt(region.dataset.refreshed, 10) || 0) + 1);
        if (stamp) { stamp.textContent = "已更新 " + new Date().toLocaleTimeString("zh-CN"); }
      })
      .catch(function () { if (stamp) { stamp.textContent = "刷新失败，稍后重试"; } });
  }
  window.setInterval(refresh, seconds * 1000);
  var button = document.getElementById("live-refresh");
  if (button) {
    button.hidden = false;
    button.addEventListener("click", refresh);
  }
})();
