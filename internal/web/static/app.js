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

// The 日进日清 chart: each day's share of goods dispatched the same day,
// with Hangzhou's 90% line.
document.addEventListener("DOMContentLoaded", function () {
  var el = document.getElementById("flows");
  var data = document.getElementById("flows-data");
  if (!el || !data || typeof echarts === "undefined") return;
  var points = JSON.parse(data.textContent);
  var chart = echarts.init(el);
  chart.setOption({
    tooltip: { trigger: "axis" },
    grid: { left: 50, right: 20, top: 36, bottom: 30 },
    xAxis: { type: "category", data: points.map(function (p) { return p.day; }) },
    yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
    legend: { top: 0 },
    series: [{ name: el.dataset.label, type: "line", itemStyle: { color: "#C8102E" },
               data: points.map(function (p) { return p.received ? p.share / 10 : null; }),
               markLine: { silent: true, symbol: "none", data: [{ yAxis: 90 }], lineStyle: { color: "#1a7f37" } } },
             { name: el.dataset.labelValue, type: "line", itemStyle: { color: "#8a6d3b" }, lineStyle: { type: "dashed" },
               data: points.map(function (p) { return p.valued ? p.value / 10 : null; }) }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
});
