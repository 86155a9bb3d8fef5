// Maps of quartiers' perimeters: the GeoJSON FeatureCollection of the json_script block
// "perimetres-geojson", drawn by Leaflet in #carte-perimetre on a plain background with a
// scale: perimeters as polygons, open GUP problems as dots. Each is named in its tooltip;
// its popup holds the link of its `lien` property (the portrait from the list, the funded
// actions or the problem on a portrait).
// No tile layer: the platform loads nothing from outside its own server.
(function () {
  "use strict";

  function francais(element, selecteur, libelle) {
    // Leaflet's controls are labelled in English: say it in French.
    var bouton = element.querySelector(selecteur);
    if (bouton) {
      bouton.title = libelle;
      bouton.setAttribute("aria-label", libelle);
    }
  }

  function popup(lien) {
    var contenu = document.createElement("p");
    var a = document.createElement("a");
    a.href = lien.href;
    a.textContent = lien.texte;
    contenu.appendChild(a);
    return contenu;
  }

  function draw() {
    var container = document.getElementById("carte-perimetre");
    var source = document.getElementById("perimetres-geojson");
    if (!container || !source || typeof window.L === "undefined") {
      return;
    }
    var carte = window.L.map(container, {
      attributionControl: false,
      fadeAnimation: false, // no fading popup: read at once, and by axe-core at full contrast
      scrollWheelZoom: false,
      zoomControl: true,
    });
    var donnees = JSON.parse(source.textContent);
    var polygones = donnees.features.filter(function (f) {
      return f.geometry.type !== "Point";
    });
    // Several quartiers: their names stay written on the map.
    var nommer = { permanent: polygones.length > 1, direction: "center" };
    var couche = window.L.geoJSON(donnees, {
      style: { color: "#1b3a6b", weight: 3, fillColor: "#1b3a6b", fillOpacity: 0.2 },
      // Points (open GUP problems): an orange dot with a dark outline.
      pointToLayer: function (feature, latlng) {
        return window.L.circleMarker(latlng, {
          radius: 7,
          color: "#5c2700",
          weight: 2,
          fillColor: "#e67300",
          fillOpacity: 0.9,
        });
      },
      onEachFeature: function (feature, layer) {
        var point = feature.geometry.type === "Point";
        layer.bindTooltip(feature.properties.nom || "", point ? {} : nommer);
        if (feature.properties.lien) {
          layer.bindPopup(popup(feature.properties.lien));
        }
      },
    }).addTo(carte);
    carte.fitBounds(couche.getBounds(), { padding: [24, 24] });
    window.L.control.scale({ imperial: false }).addTo(carte);
    francais(container, ".leaflet-control-zoom-in", "Zoom avant");
    francais(container, ".leaflet-control-zoom-out", "Zoom arrière");
    carte.on("popupopen", function (event) {
      francais(event.popup.getElement(), ".leaflet-popup-close-button", "Fermer");
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
