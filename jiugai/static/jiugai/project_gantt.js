/* Utility coordination: the project's works as a Gantt chart (ECharts custom series on a time axis).
   Clashing works are red; otherwise the colour says the status. Reads #coordination-gantt-data. */
(function () {
  "use strict";
  var script = document.getElementById("coordination-gantt-data");
  var el = document.getElementById("coordination-gantt");
  if (!script || !el || typeof echarts === "undefined") { return; }
  var data = JSON.parse(script.textContent);
  var colours = { planned: "#0d6efd", in_progress: "#fd7e14", done: "#198754" };
  var day = 24 * 3600 * 1000;
  function ms(iso) { var p = iso.split("-"); return Date.UTC(+p[0], +p[1] - 1, +p[2]); }
  var labels = data.rows.map(function (r) { return (r.utility ? r.utility + " · " : "") + r.label; });
  var items = data.rows.map(function (r, i) {
    return {
      name: labels[i],
      value: [i, ms(r.start), ms(r.end), r.last_day, r.status_label, r.excavation ? 1 : 0, r.clash ? 1 : 0, r.start],
      itemStyle: { color: r.clash ? "#dc3545" : (colours[r.status] || "#6c757d"), borderColor: r.excavation ? "#000" : "transparent", borderWidth: r.excavation ? 1 : 0 }
    };
  });
  function renderItem(params, api) {
    var y = api.value(0);
    var start = api.coord([api.value(1), y]);
    var end = api.coord([api.value(2), y]);
    var height = api.size([0, 1])[1] * 0.6;
    var rect = echarts.graphic.clipRectByRect(
      { x: start[0], y: start[1] - height / 2, width: Math.max(end[0] - start[0], 2), height: height },
      { x: params.coordSys.x, y: params.coordSys.y, width: params.coordSys.width, height: params.coordSys.height }
    );
    return rect && { type: "rect", transition: ["shape"], shape: rect, style: api.style() };
  }
  var chart = echarts.init(el);
  chart.setOption({
    tooltip: {
      formatter: function (p) {
        var v = p.value;
        var text = p.name + "<br>" + v[7] + " → " + v[3] + "<br>" + v[4];
        if (v[5]) { text += " · " + el.dataset.digLabel; }
        if (v[6]) { text += " · <b style=\"color:#dc3545\">" + el.dataset.clashLabel + "</b>"; }
        return text;
      }
    },
    grid: { left: 8, right: 24, top: 24, bottom: 32, containLabel: true },
    xAxis: { type: "time", minInterval: day, axisLabel: { hideOverlap: true } },
    yAxis: { type: "category", data: labels, inverse: true, axisLabel: { width: 220, overflow: "truncate", fontSize: 12 } },
    dataZoom: [{ type: "inside", xAxisIndex: 0, filterMode: "weakFilter" }],
    series: [{
      type: "custom",
      renderItem: renderItem,
      encode: { x: [1, 2], y: 0 },
      data: items,
      markLine: { symbol: "none", silent: true, lineStyle: { color: "#6c757d", type: "dashed" }, label: { formatter: el.dataset.todayLabel }, data: [{ xAxis: ms(data.today) }] }
    }]
  });
  el.dataset.loaded = String(items.length);
  window.addEventListener("resize", function () { chart.resize(); });
})();
