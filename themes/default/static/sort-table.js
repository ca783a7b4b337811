/*
 * sort-table.js: click a column heading of a `table[data-sortable]` to sort
 * its rows; click again to reverse. Progressive enhancement only: without
 * JavaScript the table is complete, in its original order.
 *
 * A cell sorts by its `data-sort` attribute when it has one, else by its
 * text. Columns whose heading has `data-type="number"` sort numerically
 * (so 130 comes after 9); others by locale-aware text comparison. Sorting is
 * stable, and the heading's `aria-sort` tells assistive technology the order.
 * No dependencies; works from file://.
 */
(function () {
  "use strict";

  var collator =
    typeof Intl !== "undefined" && Intl.Collator
      ? new Intl.Collator(document.documentElement.lang || undefined, { numeric: true })
      : null;

  function compareText(a, b) {
    if (collator) return collator.compare(a, b);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  function sortKey(cell, numeric) {
    var raw = cell ? cell.getAttribute("data-sort") : null;
    if (raw === null) raw = cell ? cell.textContent.trim() : "";
    if (!numeric) return raw;
    var n = parseFloat(raw);
    return isNaN(n) ? -Infinity : n;
  }

  function sortBy(table, index, th) {
    var numeric = th.getAttribute("data-type") === "number";
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    var headings = table.tHead.rows[0].cells;
    for (var i = 0; i < headings.length; i++) headings[i].removeAttribute("aria-sort");
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var sign = ascending ? 1 : -1;

    for (var b = 0; b < table.tBodies.length; b++) {
      var body = table.tBodies[b];
      var rows = [];
      for (var r = 0; r < body.rows.length; r++) {
        var row = body.rows[r];
        rows.push({ row: row, pos: r, key: sortKey(row.cells[index], numeric) });
      }
      rows.sort(function (x, y) {
        var c;
        if (numeric) c = x.key === y.key ? 0 : x.key < y.key ? -1 : 1;
        else c = compareText(x.key, y.key);
        return c * sign || x.pos - y.pos;
      });
      for (var k = 0; k < rows.length; k++) body.appendChild(rows[k].row);
    }
  }

  function enhance(table) {
    if (!table.tHead || !table.tHead.rows.length) return;
    var headings = table.tHead.rows[0].cells;
    for (var i = 0; i < headings.length; i++) {
      (function (th, index) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "sort-button";
        while (th.firstChild) button.appendChild(th.firstChild);
        th.appendChild(button);
        button.addEventListener("click", function () {
          sortBy(table, index, th);
        });
      })(headings[i], i);
    }
    table.classList.add("is-sortable");
  }

  function init() {
    var tables = document.querySelectorAll("table[data-sortable]");
    for (var i = 0; i < tables.length; i++) enhance(tables[i]);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
