(function () {
  "use strict";
  // Script errors are written into the page (data-errors on <html>), so
  // that a reader of the DOM (the tests' headless browser) sees them.
  var root = document.documentElement;
  function note(text) {
    var before = root.getAttribute("data-errors");
    root.setAttribute("data-errors", (before ? before + " | " : "") + text);
  }
  window.addEventListener("error", function (e) {
    note(String(e.message || e.type));
  });
  window.addEventListener("unhandledrejection", function (e) {
    note("unhandled rejection: " + String(e.reason));
  });
})();
