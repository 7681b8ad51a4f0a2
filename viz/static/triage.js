/* Sort and filter the findings tables: each column button sorts by that column (again to
   reverse); each select keeps only the rows with that value. Works with the keyboard, since
   the controls are buttons and selects. */
(function () {
  "use strict";
  // A printed page shows every overdue group, open or not; the screen goes back as it was.
  var closed = [];
  window.addEventListener("beforeprint", function () {
    closed = Array.prototype.filter.call(document.querySelectorAll("details:not([open])"), function (d) {
      d.open = true;
      return true;
    });
  });
  window.addEventListener("afterprint", function () {
    closed.forEach(function (d) { d.open = false; });
    closed = [];
  });
  document.querySelectorAll("table[data-triage]").forEach(function (table) {
    var section = table.closest("section") || document;
    var body = table.tBodies[0];
    var count = section.querySelector("[data-count]");
    var selects = section.querySelectorAll("select[data-filter]");

    function apply() {
      var shown = 0;
      Array.prototype.forEach.call(body.rows, function (row) {
        var keep = Array.prototype.every.call(selects, function (s) {
          return !s.value || row.getAttribute("data-" + s.getAttribute("data-filter")) === s.value;
        });
        row.hidden = !keep;
        if (keep) { shown += 1; }
      });
      if (count) { count.textContent = shown + " of " + body.rows.length + " finding(s) shown"; }
    }
    selects.forEach(function (s) { s.addEventListener("change", apply); });

    function value(row, col) {
      var cell = row.cells[col];
      return (cell.getAttribute("data-value") || cell.textContent).trim().toLowerCase();
    }
    table.querySelectorAll("button[data-sort]").forEach(function (button) {
      button.addEventListener("click", function () {
        var col = Number(button.getAttribute("data-sort"));
        var th = button.parentElement;
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("th[aria-sort]").forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = value(a, col), y = value(b, col);
          var order = x < y ? -1 : x > y ? 1 : value(a, 0) < value(b, 0) ? -1 : 1;
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
    apply();
  });
}());
