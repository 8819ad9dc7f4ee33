/* Estate charts: the build-year histogram (ECharts), from the JSON the page names in data-chart-url. */
(function () {
  "use strict";
  var element = document.getElementById("build-year-chart");
  if (!element || typeof echarts === "undefined") { return; }
  var chart = echarts.init(element);
  fetch(element.dataset.chartUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) { return response.json(); })
    .then(function (data) {
      var years = data.build_years.years.map(String);
      chart.setOption({
        tooltip: { trigger: "axis" },
        grid: { left: 48, right: 16, top: 24, bottom: 48 },
        xAxis: { type: "category", data: years, name: element.dataset.xLabel, nameLocation: "middle", nameGap: 30 },
        yAxis: { type: "value", name: element.dataset.yLabel, minInterval: 1 },
        series: [{ type: "bar", data: data.build_years.counts, itemStyle: { color: "#0d6efd" } }]
      });
      element.dataset.loaded = String(years.length);
    });
  window.addEventListener("resize", function () { chart.resize(); });
})();
