/* Progress charts (ECharts), drawn from JSON the page embeds (the content security policy allows scripts from this
   origin only): a project's percent complete week by week (#progress-series-chart), and a weekly digest's projects
   by stage and percent-complete distribution (#digest-stage-chart, #digest-distribution-chart). */
(function () {
  "use strict";
  if (typeof echarts === "undefined") { return; }
  var charts = [];
  function data(id) {
    var source = document.getElementById(id);
    return source ? JSON.parse(source.textContent) : null;
  }
  function bars(elementId, series) {
    var element = document.getElementById(elementId);
    if (!element || !series) { return; }
    var chart = echarts.init(element);
    chart.setOption({
      tooltip: { trigger: "axis" },
      grid: { left: 48, right: 16, top: 16, bottom: 48 },
      xAxis: { type: "category", data: series.labels, axisLabel: { interval: 0, rotate: series.labels.length > 5 ? 30 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", data: series.values, itemStyle: { color: element.dataset.colour || "#0d6efd" } }]
    });
    element.dataset.loaded = String(series.values.length);
    charts.push(chart);
  }
  var digest = data("digest-chart-data");
  if (digest) {
    bars("digest-stage-chart", digest.stages);
    bars("digest-distribution-chart", digest.distribution);
  }
  var series = data("progress-series-data");
  var line = document.getElementById("progress-series-chart");
  if (series && line) {
    var chart = echarts.init(line);
    chart.setOption({
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v + " %"; } },
      grid: { left: 48, right: 16, top: 16, bottom: 32 },
      xAxis: { type: "category", data: series.map(function (row) { return row.week_ending; }) },
      yAxis: { type: "value", min: 0, max: 100 },
      series: [{ type: "line", step: "end", areaStyle: {}, data: series.map(function (row) { return Number(row.percent); }) }]
    });
    line.dataset.loaded = String(series.length);
    charts.push(chart);
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
