// The chart of the TFPB bilan: abatement and realised amounts per year (bars). Its figures
// come from the json_script block "tfpb-graphique"; the same figures are in the table that
// follows the chart, so the page carries no inline script.
(function () {
  "use strict";

  var COULEURS = ["#1b3a6b", "#b34700"];
  var euros = new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR" });

  function draw() {
    var source = document.getElementById("tfpb-graphique");
    var canvas = document.getElementById("graphique-tfpb");
    if (!source || !canvas || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    if (!data.labels.length) {
      return;
    }
    var reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (serie, index) {
          return {
            label: serie.label,
            data: serie.data,
            backgroundColor: COULEURS[index % COULEURS.length],
            borderColor: COULEURS[index % COULEURS.length],
          };
        }),
      },
      options: {
        animation: reduceMotion ? false : undefined,
        maintainAspectRatio: false,
        scales: {
          y: {
            beginAtZero: true,
            ticks: { callback: function (value) { return euros.format(value); } },
          },
        },
        plugins: {
          tooltip: {
            callbacks: {
              label: function (context) {
                return context.dataset.label + " : " + euros.format(context.parsed.y);
              },
            },
          },
        },
      },
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
