/* The book's own script: draws charts once the vega bundle has loaded, and filters
   tables that carry data-filter controls. No network, no globals but chipbookDraw. */
(function () {
  "use strict";

  window.chipbookDraw = function (id, spec, options) {
    function draw() {
      var target = document.getElementById(id);
      window.vegaEmbed(target, spec, options).then(function () {
        target.setAttribute("data-chart-drawn", "true");
      }).catch(function (error) {
        target.setAttribute("data-chart-error", String(error));
        target.textContent = "This chart could not be drawn: " + error;
        console.error("chart " + id + ": " + error);
      });
    }
    // The bundle is deferred: it has run by DOMContentLoaded.
    if (window.vegaEmbed) { draw(); } else { document.addEventListener("DOMContentLoaded", draw); }
  };

  // <select data-filter-table="ID" data-filter-column="N"> hides rows of table ID whose
  // cell N does not match; every select on the table applies together.
  function applyFilters(tableId) {
    var selects = document.querySelectorAll('select[data-filter-table="' + tableId + '"]');
    var rows = document.querySelectorAll("#" + tableId + " tbody tr");
    var shown = 0;
    rows.forEach(function (row) {
      var visible = Array.prototype.every.call(selects, function (select) {
        var cell = row.cells[Number(select.getAttribute("data-filter-column"))];
        return !select.value || (cell && cell.getAttribute("data-value") === select.value);
      });
      row.hidden = !visible;
      if (visible) { shown += 1; }
    });
    var counter = document.querySelector('[data-filter-count="' + tableId + '"]');
    if (counter) { counter.textContent = shown + " of " + rows.length + " claims shown"; }
  }
  document.addEventListener("change", function (event) {
    var tableId = event.target.getAttribute && event.target.getAttribute("data-filter-table");
    if (tableId) { applyFilters(tableId); }
  });
})();
