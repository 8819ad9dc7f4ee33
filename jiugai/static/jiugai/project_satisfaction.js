/* Residents' satisfaction (满意 / 基本满意 / 不满意) as an ECharts pie, from the JSON the page embeds in
   #satisfaction-chart-data (the content security policy allows scripts from this origin only). */
(function () {
  "use strict";
  var element = document.getElementById("satisfaction-chart");
  var source = document.getElementById("satisfaction-chart-data");
  if (!element || !source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(element);
  if (!data.total) {
    chart.setOption({ title: { text: element.dataset.empty || "", left: "center", top: "middle", textStyle: { color: "#6c757d", fontSize: 14 } } });
  } else {
    chart.setOption({
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      legend: { bottom: 0 },
      series: [{
        type: "pie",
        radius: ["35%", "65%"],
        label: { formatter: "{b}\n{d}%" },
        data: data.data.map(function (row) { return { name: row.name, value: row.value, itemStyle: { color: row.colour } }; })
      }]
    });
  }
  element.dataset.loaded = String(data.total);
  window.addEventListener("resize", function () { chart.resize(); });
})();
