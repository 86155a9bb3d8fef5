// The yearly evolution chart of the bilan physico-financier. It reads its figures from the
// data table next to it (the accessible alternative), so the page carries no inline script.
(function () {
  "use strict";

  function draw() {
    var canvas = document.getElementById("graphique-evolution");
    if (!canvas || typeof window.Chart === "undefined") {
      return;
    }
    var table = document.getElementById(canvas.dataset.table);
    var annees = [];
    var credits = [];
    var actions = [];
    table.querySelectorAll("tbody tr").forEach(function (row) {
      annees.push(row.querySelector("th").dataset.value);
      credits.push(parseFloat(row.querySelector('[data-serie="credits"]').dataset.value));
      actions.push(parseInt(row.querySelector('[data-serie="actions"]').dataset.value, 10));
    });
    var euros = new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR" });
    var reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    new window.Chart(canvas, {
      data: {
        labels: annees,
        datasets: [
          {
            type: "bar",
            label: "Crédits spécifiques",
            data: credits,
            backgroundColor: "#1b3a6b",
            yAxisID: "y",
          },
          {
            type: "line",
            label: "Nombre d'actions",
            data: actions,
            borderColor: "#b34700",
            backgroundColor: "#b34700",
            yAxisID: "y1",
          },
        ],
      },
      options: {
        animation: reduceMotion ? false : undefined,
        maintainAspectRatio: false,
        scales: {
          y: {
            beginAtZero: true,
            position: "left",
            ticks: { callback: function (value) { return euros.format(value); } },
          },
          y1: {
            beginAtZero: true,
            position: "right",
            grid: { drawOnChartArea: false },
            ticks: { precision: 0 },
          },
        },
        plugins: {
          tooltip: {
            callbacks: {
              label: function (context) {
                if (context.dataset.yAxisID === "y") {
                  return context.dataset.label + " : " + euros.format(context.parsed.y);
                }
                return context.dataset.label + " : " + context.parsed.y;
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
