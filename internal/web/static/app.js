// boai's only script: draws the dashboard chart from the JSON the page
// carries (no inline script, so the Content-Security-Policy stays strict).
document.addEventListener("DOMContentLoaded", function () {
  var el = document.getElementById("trend");
  var data = document.getElementById("trend-data");
  if (!el || !data || typeof echarts === "undefined") return;
  var points = JSON.parse(data.textContent);
  var chart = echarts.init(el);
  chart.setOption({
    tooltip: { trigger: "axis" },
    grid: { left: 60, right: 20, top: 20, bottom: 30 },
    xAxis: { type: "category", data: points.map(function (p) { return p.day; }) },
    yAxis: { type: "value", axisLabel: { formatter: "¥{value}" } },
    series: [{ name: el.dataset.label, type: "bar", itemStyle: { color: "#C8102E" },
               data: points.map(function (p) { return p.yuan; }) }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
});
