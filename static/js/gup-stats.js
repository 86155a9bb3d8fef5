// The charts of the GUP's statistics: problems by responsible body (bars) and the evolution
// by year of report (bars and the median processing time as a line). Their figures come
// from the json_script block "stats-gup-graphiques"; each chart has its data table next to
// it on the page, so the page carries no inline script.
(function () {
  "use strict";

  var COULEURS = ["#1b3a6b", "#2e7d32", "#b34700", "#6a1b9a"];
  var nombre = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 });

  function barres(series) {
    return series.map(function (serie, index) {
      var couleur = COULEURS[index % COULEURS.length];
      return {
        type: "bar",
        label: serie.label,
        data: serie.data,
        backgroundColor: couleur,
        borderColor: couleur,
        yAxisID: "y",
      };
    });
  }

  function tooltip(unite) {
    return {
      callbacks: {
        label: function (context) {
          var valeur = context.parsed.y;
          var texte = valeur === null || valeur === undefined ? "—" : nombre.format(valeur);
          var suffixe = context.dataset.yAxisID === "jours" ? " j" : "";
          return context.dataset.label + " : " + texte + (unite || suffixe);
        },
      },
    };
  }

  function draw() {
    var source = document.getElementById("stats-gup-graphiques");
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var animation = reduceMotion ? false : undefined;

    var organisations = document.getElementById("graphique-organisations");
    if (organisations && data.organisations.labels.length) {
      new window.Chart(organisations, {
        type: "bar",
        data: {
          labels: data.organisations.labels,
          datasets: barres(data.organisations.series),
        },
        options: {
          animation: animation,
          maintainAspectRatio: false,
          scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
          plugins: { tooltip: tooltip("") },
        },
      });
    }

    var evolution = document.getElementById("graphique-evolution");
    if (evolution && data.evolution.labels.length) {
      var datasets = barres(data.evolution.series);
      datasets.push({
        type: "line",
        label: data.evolution.mediane.label,
        data: data.evolution.mediane.data,
        borderColor: COULEURS[2],
        backgroundColor: COULEURS[2],
        yAxisID: "jours",
        spanGaps: false,
      });
      new window.Chart(evolution, {
        type: "bar",
        data: { labels: data.evolution.labels, datasets: datasets },
        options: {
          animation: animation,
          maintainAspectRatio: false,
          scales: {
            y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "Signalements" } },
            jours: {
              position: "right",
              beginAtZero: true,
              grid: { drawOnChartArea: false },
              title: { display: true, text: "Délai médian (jours)" },
              ticks: { callback: function (value) { return nombre.format(value); } },
            },
          },
          plugins: { tooltip: tooltip() },
        },
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
