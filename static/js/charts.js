// Draw every chart on the page from the figure JSON the server put beside it.
//
// plotly.js is over a megabyte of script: parsed with the page, it held a phone's first paint
// back by seconds. So the page (its text, and each chart's table with the same
// numbers) shows first, and plotly.js is fetched and run only once a chart comes near the
// screen; each chart is drawn as it does. Each chart's box keeps its figure's height until then
// (report_page.html, compare.html), so drawing it moves nothing. A page that loads plotly.js
// itself (the print version, which must print every chart) has every chart drawn at once.
(function () {
  "use strict";
  var NARROW = 576;  // px: below this a chart takes the phone layout the server gave it
  // Start fetching a little before a chart scrolls into view, so it is drawn when it arrives.
  var AHEAD = "300px 0px";
  var plotlyUrl = document.currentScript && document.currentScript.dataset.plotly;
  var waiting = [];  // charts near the screen, to draw once plotly.js has run
  var loading = false;

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
  function drawWaiting() {
    var element = waiting.shift();
    if (!element) { return; }
    draw(element);
    setTimeout(drawWaiting, 0);
  }

  // Draw these charts: now if plotly.js has run, else once it has (fetched the first time asked).
  function want(elements) {
    Array.prototype.push.apply(waiting, elements);
    if (window.Plotly) { drawWaiting(); return; }
    if (loading || !plotlyUrl) { return; }
    loading = true;
    var script = document.createElement("script");
    script.src = plotlyUrl;
    script.addEventListener("load", drawWaiting);
    document.head.appendChild(script);
  }

  var charts = Array.prototype.slice.call(document.querySelectorAll("[data-chart]"));
  if (window.Plotly || !("IntersectionObserver" in window)) {
    want(charts);
    return;
  }
  var observer = new IntersectionObserver(function (entries) {
    var near = entries.filter(function (entry) { return entry.isIntersecting; })
      .map(function (entry) { return entry.target; });
    near.forEach(function (element) { observer.unobserve(element); });
    if (near.length) { want(near); }
  }, { rootMargin: AHEAD });
  charts.forEach(function (element) { observer.observe(element); });
  // Printed from the browser, a chart nobody scrolled to would print empty: draw the rest at
  // once if plotly.js has run (the browser prints after this handler), else as soon as it has.
  window.addEventListener("beforeprint", function () {
    observer.disconnect();
    var rest = charts.filter(function (element) {
      return !element.classList.contains("js-plotly-plot");  // Plotly's mark of a drawn chart
    });
    if (window.Plotly) { waiting = []; rest.forEach(draw); } else { want(rest); }
  });
})();
