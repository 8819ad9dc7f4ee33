/* Demand summary: opinions per catalogue item, stacked by estate or area (ECharts), from the JSON endpoint
   named in data-chart-url (CSP allows scripts from this origin only, so nothing is inline). */
(function () {
  "use strict";
  var element = document.getElementById("demand-chart");
  if (!element || typeof echarts === "undefined") { return; }
  var chart = echarts.init(element);
  fetch(element.dataset.chartUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) { return response.json(); })
    .then(function (data) {
      var labels = data.items.map(function (item) { return item.label; });
      var rows = data.rows.slice(0, 12);
      var series = rows.map(function (row) {
        return { name: row.label, type: "bar", stack: "total", data: row.counts, emphasis: { focus: "series" } };
      });
      chart.setOption({
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        legend: { type: "scroll", top: 0 },
        grid: { left: 48, right: 16, top: 40, bottom: 90 },
        xAxis: { type: "category", data: labels, axisLabel: { interval: 0, rotate: 35 } },
        yAxis: { type: "value", minInterval: 1 },
        series: series
      });
      element.dataset.loaded = String(labels.length);
    });
  window.addEventListener("resize", function () { chart.resize(); });
})();
