// Escape closes the site menu, folded behind its Menu button on a small screen, and puts the
// focus back on that button: a keyboard user is never left inside a menu they cannot dismiss.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !window.bootstrap) { return; }
    document.querySelectorAll(".navbar-collapse.show, .navbar-collapse.collapsing").forEach(function (menu) {
      var toggle = document.querySelector('[aria-controls="' + menu.id + '"]');
      if (!toggle || !(menu.contains(document.activeElement) || toggle === document.activeElement)) {
        return;  // the focus is elsewhere on the page: Escape is not for the menu
      }
      toggle.focus();
      if (toggle.getAttribute("aria-expanded") !== "true") { return; }  // already closing
      var collapse = window.bootstrap.Collapse.getOrCreateInstance(menu, { toggle: false });
      if (menu.classList.contains("collapsing")) {
        // Still opening: Bootstrap ignores a hide until it has finished.
        menu.addEventListener("shown.bs.collapse", function () { collapse.hide(); }, { once: true });
      } else {
        collapse.hide();
      }
    });
  });
})();
