(function () {
  "use strict";
  // Sorts the rows table by any column: each cell's sort value is its
  // data-v attribute (numbers for data-type="num" columns); a cell without
  // one is missing and sorts last either way; ties keep the table's
  // first order. A page opened with #sort=KEY-asc (or -desc), KEY a
  // heading's data-key, starts sorted so.
  var root = document.documentElement;
  var table = document.getElementById("rows");
  if (table) {
    var body = table.tBodies[0];
    var heads = table.tHead.rows[0].cells;
    var first = Array.prototype.slice.call(body.rows);
    var sortBy = function (col, dir) {
      var th = heads[col];
      var numeric = th.getAttribute("data-type") === "num";
      var keyed = first.map(function (row, i) {
        var cell = row.cells[col];
        var v = cell && cell.hasAttribute("data-v") ? cell.getAttribute("data-v") : null;
        if (v !== null && numeric) {
          v = parseFloat(v);
          if (isNaN(v)) {
            v = null;
          }
        }
        return { row: row, i: i, v: v };
      });
      keyed.sort(function (a, b) {
        if (a.v === null || b.v === null) {
          if (a.v === b.v) {
            return a.i - b.i;
          }
          return a.v === null ? 1 : -1;
        }
        var c = numeric ? a.v - b.v : a.v < b.v ? -1 : a.v > b.v ? 1 : 0;
        if (c === 0) {
          return a.i - b.i;
        }
        return dir === "asc" ? c : -c;
      });
      var rows = document.createDocumentFragment();
      keyed.forEach(function (k) {
        rows.appendChild(k.row);
      });
      body.appendChild(rows);
      for (var k = 0; k < heads.length; k++) {
        heads[k].removeAttribute("aria-sort");
      }
      th.setAttribute("aria-sort", dir === "asc" ? "ascending" : "descending");
      table.setAttribute("data-sorted", th.getAttribute("data-key") + "-" + dir);
    };
    Array.prototype.forEach.call(heads, function (th, col) {
      // the heading's text moves into a button: a keyboard can sort too
      var button = document.createElement("button");
      button.type = "button";
      while (th.firstChild) {
        button.appendChild(th.firstChild);
      }
      th.appendChild(button);
      button.addEventListener("click", function () {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        sortBy(col, asc ? "asc" : "desc");
      });
    });
    var hint = document.getElementById("sort-hint");
    if (hint) {
      hint.hidden = false;
    }
    var m = /(?:^#|&)sort=([^&]*)/.exec(window.location.hash);
    var spec = null;
    if (m) {
      // a malformed escape (`%E0`) in a link's fragment is no sort, not an error
      try {
        spec = decodeURIComponent(m[1]);
      } catch (e) {
        spec = null;
      }
    }
    if (spec !== null) {
      var at = spec.lastIndexOf("-");
      var key = spec.slice(0, at);
      var dir = spec.slice(at + 1);
      for (var h = 0; h < heads.length; h++) {
        if (heads[h].getAttribute("data-key") === key && (dir === "asc" || dir === "desc")) {
          sortBy(h, dir);
        }
      }
    }
  }
  root.setAttribute("data-js", "ready");
})();
