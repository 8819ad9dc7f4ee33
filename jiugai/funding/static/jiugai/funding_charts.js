/* Funding charts (ECharts): allocated money by source stacked by status, and cumulative received vs paid. */
(function () {
  "use strict";
  var script = document.getElementById("funding-chart-data");
  if (!script || typeof echarts === "undefined") { return; }
  var data = JSON.parse(script.textContent);
  var charts = [];
  var stacked = document.getElementById("funding-stacked");
  if (stacked) {
    var chart = echarts.init(stacked);
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { type: "scroll", bottom: 0 },
      grid: { left: 80, right: 16, top: 16, bottom: 56 },
      xAxis: { type: "category", data: data.stacked.statuses },
      yAxis: { type: "value" },
      series: data.stacked.series.map(function (s) {
        return { name: s.name, type: "bar", stack: "money", data: s.data.map(Number) };
      })
    });
    stacked.dataset.loaded = String(data.stacked.series.length);
    charts.push(chart);
  }
  var overTime = document.getElementById("funding-over-time");
  if (overTime) {
    var line = echarts.init(overTime);
    line.setOption({
      tooltip: { trigger: "axis" },
      legend: { bottom: 0 },
      grid: { left: 80, right: 16, top: 16, bottom: 56 },
      xAxis: { type: "category", data: data.over_time.months },
      yAxis: { type: "value" },
      series: [
        { name: overTime.dataset.received, type: "line", step: "end", data: data.over_time.received.map(Number) },
        { name: overTime.dataset.paid, type: "line", step: "end", data: data.over_time.paid.map(Number) }
      ]
    });
    overTime.dataset.loaded = String(data.over_time.months.length);
    charts.push(line);
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
