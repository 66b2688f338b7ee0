/* Statistics charts (ECharts, webapp/static/vendor/echarts). Each chart has its table beside it; without
   JavaScript or ECharts the tables alone carry the numbers. */
(function () {
  "use strict";
  var charts = document.querySelectorAll("[data-chart]");
  if (!charts.length || !window.fetch || !window.echarts) { return; }
  var source = charts[0].dataset.src;
  function draw(element, option) {
    var chart = window.echarts.init(element);
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  }
  fetch(source, { credentials: "same-origin", headers: { "Accept": "application/json" } })
    .then(function (response) { return response.json(); })
    .then(function (data) {
      charts.forEach(function (element) {
        var kind = element.dataset.chart, d = data[kind];
        if (!d) { return; }
        if (kind === "trend") {
          draw(element, { tooltip: { trigger: "axis" }, legend: {}, xAxis: { type: "category", data: d.months },
            yAxis: { type: "value", minInterval: 1 },
            series: ["received", "concluded", "overdue"].map(function (k) {
              return { name: d.labels[k], type: "line", data: d[k] };
            }) });
        } else if (kind === "departments") {
          draw(element, { tooltip: { trigger: "axis" }, grid: { left: 160 },
            xAxis: { type: "value", max: 100 }, yAxis: { type: "category", inverse: true, data: d.names },
            series: [{ name: d.labels.on_time_rate, type: "bar", data: d.on_time_rate }] });
        } else if (kind === "items") {
          draw(element, { tooltip: { trigger: "axis" }, grid: { left: 200 },
            xAxis: { type: "value", minInterval: 1 }, yAxis: { type: "category", inverse: true, data: d.names },
            series: [{ name: d.labels.overdue, type: "bar", data: d.overdue, itemStyle: { color: "#c62828" } }] });
        }
        element.dataset.drawn = "true";
      });
    });
})();
