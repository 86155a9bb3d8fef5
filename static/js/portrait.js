// The charts of a quartier's portrait: the age structure (bars) and the evolutions (lines).
// Their figures come from the json_script block "portrait-graphiques"; each chart has its
// data table next to it on the page, so the page carries no inline script.
(function () {
  "use strict";

  var COULEURS = ["#1b3a6b", "#b34700", "#2e7d32", "#6a1b9a"];
  var nombre = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 });

  function formater(unite, valeur) {
    if (valeur === null || valeur === undefined) {
      return "—";
    }
    if (unite === "pourcentage") {
      return nombre.format(valeur) + " %";
    }
    if (unite === "euros") {
      return nombre.format(valeur) + " €";
    }
    return nombre.format(valeur);
  }

  function datasets(series, type) {
    return series.map(function (serie, index) {
      var couleur = COULEURS[index % COULEURS.length];
      return {
        type: type,
        label: serie.label,
        data: serie.data,
        backgroundColor: couleur,
        borderColor: couleur,
        spanGaps: false,
      };
    });
  }

  function options(unite, reduceMotion) {
    return {
      animation: reduceMotion ? false : undefined,
      maintainAspectRatio: false,
      scales: {
        y: {
          beginAtZero: unite === "pourcentage",
          ticks: { callback: function (value) { return formater(unite, value); } },
        },
      },
      plugins: {
        tooltip: {
          callbacks: {
            label: function (context) {
              return context.dataset.label + " : " + formater(unite, context.parsed.y);
            },
          },
        },
      },
    };
  }

  function draw() {
    var source = document.getElementById("portrait-graphiques");
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var ages = document.getElementById("graphique-ages");
    if (ages && data.ages.labels.length) {
      new window.Chart(ages, {
        type: "bar",
        data: { labels: data.ages.labels, datasets: datasets(data.ages.series, "bar") },
        options: options("pourcentage", reduceMotion),
      });
    }
    data.evolutions.forEach(function (evolution) {
      var canvas = document.querySelector('canvas[data-evolution="' + evolution.id + '"]');
      if (!canvas) {
        return;
      }
      new window.Chart(canvas, {
        type: "line",
        data: { labels: evolution.labels, datasets: datasets(evolution.series, "line") },
        options: options(evolution.unite, reduceMotion),
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
