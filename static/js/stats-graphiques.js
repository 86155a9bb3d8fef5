// The charts of the statistics pages (PRE, CitésLab): for each breakdown, its first measure by category,
// one series per year (masked counts are gaps). Their figures come from the json_script
// block "stats-graphiques"; each chart has its data table next to it on the page, so
// the page carries no inline script.
(function () {
  "use strict";

  var COULEURS = ["#1b3a6b", "#2e7d32", "#b34700", "#6a1b9a", "#00695c", "#5d4037"];
  var nombre = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 0 });

  function draw() {
    var source = document.getElementById("stats-graphiques");
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    data.repartitions.forEach(function (repartition) {
      var canvas = document.querySelector('canvas[data-repartition="' + repartition.id + '"]');
      if (!canvas || !repartition.labels.length) {
        return;
      }
      new window.Chart(canvas, {
        type: "bar",
        data: {
          labels: repartition.labels,
          datasets: repartition.series.map(function (serie, index) {
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
          scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
          plugins: {
            tooltip: {
              callbacks: {
                label: function (context) {
                  var valeur = context.parsed.y;
                  var texte = valeur === null || valeur === undefined ? "masqué" : nombre.format(valeur);
                  return context.dataset.label + " : " + texte;
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
