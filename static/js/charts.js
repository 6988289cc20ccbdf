// Draw every chart on the page from the figure JSON the server put beside it.
(function () {
  "use strict";
  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var source = document.getElementById(element.dataset.chart);
    if (!source || !window.Plotly) { return; }
    var figure = JSON.parse(source.textContent);
    figure.layout.width = undefined;  // fill the column; the PDF keeps the fixed size
    figure.layout.autosize = true;
    window.Plotly.newPlot(element, figure.data, figure.layout, {
      responsive: true, displaylogo: false, modeBarButtonsToRemove: ["select2d", "lasso2d"],
      // Scores stay on this network: no "share to the cloud" button, no Plotly server.
      showSendToCloud: false, showEditInChartStudio: false, plotlyServerURL: ""
    });
  });
})();
