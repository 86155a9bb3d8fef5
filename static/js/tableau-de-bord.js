// The charts of the contract dashboard. Their figures come from the json_script block
// "tableau-de-bord-graphiques"; each canvas names its chart in data-graphique and has its
// data table right after it, so the page carries no inline script.
(function () {
  "use strict";

  var COULEURS = ["#1b3a6b", "#b34700", "#2e7d32", "#6a1b9a"];
  var euros = new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR" });
  var nombre = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 });

  function format(graphique, valeur) {
    if (valeur === null || valeur === undefined) {
      return "masqué";
    }
    return graphique.euros ? euros.format(valeur) : nombre.format(valeur);
  }

  function draw() {
    var source = document.getElementById("tableau-de-bord-graphiques");
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    document.querySelectorAll("canvas[data-graphique]").forEach(function (canvas) {
      var graphique = data[canvas.dataset.graphique];
      if (!graphique || !graphique.labels.length) {
        return;
      }
      new window.Chart(canvas, {
        type: "bar",
        data: {
          labels: graphique.labels,
          datasets: graphique.series.map(function (serie, index) {
            var couleur = COULEURS[index % COULEURS.length];
            return {
              label: serie.label,
              data: serie.data,
              backgroundColor: couleur,
              borderColor: couleur,
            };
          }),
        },
        options: {
          animation: reduceMotion ? false : undefined,
          maintainAspectRatio: false,
          scales: {
            x: { stacked: Boolean(graphique.empile) },
            y: {
              stacked: Boolean(graphique.empile),
              beginAtZero: true,
              ticks: {
                precision: graphique.euros ? undefined : 0,
                callback: function (value) { return format(graphique, value); },
              },
            },
          },
          plugins: {
            tooltip: {
              callbacks: {
                label: function (context) {
                  return context.dataset.label + " : " + format(graphique, context.parsed.y);
                },
              },
            },
          },
        },
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
