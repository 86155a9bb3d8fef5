// The bar chart of the chantiers tremplin's bilan. It reads its figures from the data table
// next to it (the accessible alternative), so the page carries no inline script.
(function () {
  "use strict";

  var SERIES = [
    ["participants", "Participants", "#1b3a6b"],
    ["femmes", "Femmes", "#b34700"],
    ["residents_qpv", "Habitants des QPV", "#2e7d32"],
    ["sorties_emploi", "Sorties vers l'emploi", "#6a1b9a"],
  ];

  function draw() {
    var canvas = document.getElementById("graphique-chantiers");
    if (!canvas || typeof window.Chart === "undefined") {
      return;
    }
    var table = document.getElementById(canvas.dataset.table);
    var labels = [];
    var data = SERIES.map(function () { return []; });
    table.querySelectorAll("tbody tr").forEach(function (row) {
      labels.push(row.querySelector("th").dataset.value);
      SERIES.forEach(function (serie, index) {
        var cell = row.querySelector('[data-serie="' + serie[0] + '"]');
        data[index].push(parseInt(cell.textContent.replace(/\s/g, ""), 10));
      });
    });
    var reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: labels,
        datasets: SERIES.map(function (serie, index) {
          return { label: serie[1], data: data[index], backgroundColor: serie[2] };
        }),
      },
      options: {
        animation: reduceMotion ? false : undefined,
        maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
