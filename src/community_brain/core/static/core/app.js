// Small page behaviours. No inline scripts anywhere: the CSP allows only 'self'.
(function () {
  "use strict";
  document.addEventListener("click", function (e) {
    var t = e.target.closest("[data-toggle=nav]");
    if (t) { document.getElementById("nav").classList.toggle("open"); }
    var c = e.target.closest("[data-confirm]");
    if (c && !window.confirm(c.getAttribute("data-confirm"))) { e.preventDefault(); }
  });

  // Charts: any element with data-chart holds an ECharts option as JSON.
  function drawCharts(root) {
    if (!window.echarts) { return; }
    (root || document).querySelectorAll("[data-chart]").forEach(function (el) {
      if (el._chart) { return; }
      var src = document.getElementById(el.getAttribute("data-chart"));
      if (!src) { return; }
      var option = JSON.parse(src.textContent);
      el._chart = window.echarts.init(el, null, { renderer: "canvas" });
      el._chart.setOption(option);
      window.addEventListener("resize", function () { el._chart.resize(); });
    });
  }
  // A form that must not be submitted twice carries a token the server remembers.
  function fillTokens() {
    document.querySelectorAll("input[data-client-token]").forEach(function (el) {
      if (!el.value) {
        el.value = (window.crypto && window.crypto.randomUUID) ? window.crypto.randomUUID()
          : String(Date.now()) + Math.random().toString(16).slice(2);
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { drawCharts(); fillTokens(); });
  document.addEventListener("htmx:afterSwap", function (e) { drawCharts(e.target); });
})();
