// Draw every chart on the page from the figure JSON the server put beside it.
(function () {
  "use strict";
  var NARROW = 576;  // px: below this a chart takes the phone layout the server gave it

  function isObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  // layout.meta.narrow (reports/charts.py): each key replaces the layout's, one level deep.
  function forWidth(layout, width) {
    var narrow = layout.meta && layout.meta.narrow;
    if (!narrow || width >= NARROW) { return layout; }
    Object.keys(narrow).forEach(function (key) {
      var value = narrow[key];
      layout[key] = isObject(value) && isObject(layout[key]) ? Object.assign({}, layout[key], value) : value;
    });
    return layout;
  }

  function draw(element) {
    var source = document.getElementById(element.dataset.chart);
    if (!source || !window.Plotly) { return; }
    var figure = JSON.parse(source.textContent);
    var layout = forWidth(figure.layout, element.clientWidth);
    layout.width = undefined;  // fill the column; the PDF keeps the fixed size
    layout.autosize = true;
    window.Plotly.newPlot(element, figure.data, layout, {
      responsive: true, displaylogo: false, modeBarButtonsToRemove: ["select2d", "lasso2d"],
      // Scores stay on this network: no "share to the cloud" button, no Plotly server.
      showSendToCloud: false, showEditInChartStudio: false, plotlyServerURL: ""
    });
  }

  // One chart a task, so that a page of charts never holds the main thread long at a stretch.
  var charts = Array.prototype.slice.call(document.querySelectorAll("[data-chart]"));
  (function drawNext() {
    var element = charts.shift();
    if (!element) { return; }
    draw(element);
    setTimeout(drawNext, 0);
  })();
})();
