// The preparing page (templates/reports/pdf_pending.html): ask every few seconds whether the
// document is ready, say any news in the page's status region, and open the document once it is.
// The page answers 202 while the document is being made; asked with the check header, it
// answers 204 once the document is ready, without handing it over (reports/views.py).
(function () {
  "use strict";
  var EVERY_MS = 3000;
  var region = document.getElementById("preparing-progress");
  if (!region) { return; }
  var url = region.dataset.checkUrl;
  document.getElementById("preparing-checks").hidden = false;

  function words(element) {
    return element.textContent.replace(/\s+/g, " ").trim();
  }

  function news(html) {
    var progress = new DOMParser().parseFromString(html, "text/html").getElementById("preparing-progress");
    if (progress && words(progress) !== words(region)) {
      region.textContent = words(progress);  // a polite live region: read out when the reader pauses
    }
  }

  function check() {
    fetch(url, { headers: { "X-Document-Check": "ready" }, cache: "no-store" })
      .then(function (response) {
        if (response.status === 202) {
          return response.text().then(function (html) {
            news(html);
            window.setTimeout(check, EVERY_MS);
          });
        }
        // Ready (204), or a page that says why it could not be made: go and get it.
        if (response.status === 204) { region.textContent = region.dataset.ready; }
        window.location.assign(url);
      })
      .catch(function () { window.setTimeout(check, EVERY_MS); });  // a blip: ask again
  }

  window.setTimeout(check, EVERY_MS);
})();
