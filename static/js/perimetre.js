// The map of a quartier's perimeter: the GeoJSON polygon of the json_script block
// "perimetre-geojson", drawn by Leaflet on a plain background with a scale, its popup
// linking to the quartier's funded actions of the year shown. No tile layer:
// the platform loads nothing from outside its own server.
(function () {
  "use strict";

  function draw() {
    var container = document.getElementById("carte-perimetre");
    var source = document.getElementById("perimetre-geojson");
    if (!container || !source || typeof window.L === "undefined") {
      return;
    }
    var geometrie = JSON.parse(source.textContent);
    var carte = window.L.map(container, {
      attributionControl: false,
      scrollWheelZoom: false,
      zoomControl: true,
    });
    var couche = window.L.geoJSON(
      { type: "Feature", properties: {}, geometry: geometrie },
      { style: { color: "#1b3a6b", weight: 3, fillColor: "#1b3a6b", fillOpacity: 0.2 } }
    ).addTo(carte);
    couche.bindTooltip(container.dataset.nom || "");
    // The funded actions of the year shown, summed up in the perimeter's popup.
    if (container.dataset.actions) {
      var contenu = document.createElement("p");
      var lien = document.createElement("a");
      lien.href = "#actions-financees";
      lien.textContent = container.dataset.actions;
      contenu.appendChild(lien);
      couche.bindPopup(contenu);
      // Leaflet's close button is labelled in English: say it in French.
      carte.on("popupopen", function (event) {
        var fermer = event.popup.getElement().querySelector(".leaflet-popup-close-button");
        if (fermer) {
          fermer.setAttribute("aria-label", "Fermer");
          fermer.title = "Fermer";
        }
      });
    }
    carte.fitBounds(couche.getBounds(), { padding: [24, 24] });
    window.L.control.scale({ imperial: false }).addTo(carte);
    // Leaflet's zoom buttons are titled in English: say it in French.
    var plus = container.querySelector(".leaflet-control-zoom-in");
    var moins = container.querySelector(".leaflet-control-zoom-out");
    if (plus) {
      plus.title = "Zoom avant";
      plus.setAttribute("aria-label", "Zoom avant");
    }
    if (moins) {
      moins.title = "Zoom arrière";
      moins.setAttribute("aria-label", "Zoom arrière");
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
