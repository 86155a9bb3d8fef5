// The resident's report form: a tap on the map of the contract's quartiers (GeoJSON of the
// json_script block "perimetres-geojson", no tiles) fills the hidden latitude/longitude,
// shows the point and picks the quartier containing it. Without JavaScript or a map, the
// address field is enough.
(function () {
  "use strict";

  function dansAnneau(lon, lat, anneau) {
    var dedans = false;
    for (var i = 0, j = anneau.length - 1; i < anneau.length; j = i++) {
      var xi = anneau[i][0], yi = anneau[i][1], xj = anneau[j][0], yj = anneau[j][1];
      if ((yi > lat) !== (yj > lat) && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) {
        dedans = !dedans;
      }
    }
    return dedans;
  }

  function dansPolygone(lon, lat, anneaux) {
    if (!anneaux.length || !dansAnneau(lon, lat, anneaux[0])) {
      return false;
    }
    for (var k = 1; k < anneaux.length; k++) {
      if (dansAnneau(lon, lat, anneaux[k])) {
        return false;
      }
    }
    return true;
  }

  function contient(geometrie, lon, lat) {
    if (geometrie.type === "Polygon") {
      return dansPolygone(lon, lat, geometrie.coordinates);
    }
    if (geometrie.type === "MultiPolygon") {
      return geometrie.coordinates.some(function (p) { return dansPolygone(lon, lat, p); });
    }
    return false;
  }

  function francais(element, selecteur, libelle) {
    var bouton = element.querySelector(selecteur);
    if (bouton) {
      bouton.title = libelle;
      bouton.setAttribute("aria-label", libelle);
    }
  }

  function init() {
    var container = document.getElementById("carte-signalement");
    var source = document.getElementById("perimetres-geojson");
    if (!container || !source || typeof window.L === "undefined") {
      return;
    }
    var latitude = document.getElementById("id_latitude");
    var longitude = document.getElementById("id_longitude");
    var quartier = document.getElementById("id_quartier");
    var etat = document.getElementById("point-choisi");
    var retirer = document.getElementById("retirer-point");
    var donnees = JSON.parse(source.textContent);
    var carte = window.L.map(container, {
      attributionControl: false,
      fadeAnimation: false,
      scrollWheelZoom: false,
    });
    var couche = window.L.geoJSON(donnees, {
      style: { color: "#1b3a6b", weight: 3, fillColor: "#1b3a6b", fillOpacity: 0.15 },
      onEachFeature: function (feature, layer) {
        layer.bindTooltip(feature.properties.nom || "", { permanent: true, direction: "center" });
      },
    }).addTo(carte);
    carte.fitBounds(couche.getBounds(), { padding: [16, 16] });
    window.L.control.scale({ imperial: false }).addTo(carte);
    francais(container, ".leaflet-control-zoom-in", "Zoom avant");
    francais(container, ".leaflet-control-zoom-out", "Zoom arrière");
    var point = null;

    function placer(lat, lon, annoncer) {
      if (point) {
        point.setLatLng([lat, lon]);
      } else {
        point = window.L.circleMarker([lat, lon], {
          radius: 9, color: "#9b1c1c", weight: 3, fillColor: "#ffbf47", fillOpacity: 1,
        }).addTo(carte);
      }
      latitude.value = lat.toFixed(6);
      longitude.value = lon.toFixed(6);
      var trouve = null;
      donnees.features.forEach(function (feature) {
        if (!trouve && contient(feature.geometry, lon, lat)) {
          trouve = feature;
        }
      });
      if (trouve && quartier) {
        quartier.value = String(trouve.properties.id);
      }
      if (annoncer) {
        etat.textContent = trouve
          ? "Point placé dans le quartier " + trouve.properties.nom + "."
          : "Point placé hors des quartiers du contrat : choisissez le quartier le plus proche.";
      }
      retirer.hidden = false;
    }

    if (latitude.value && longitude.value) {
      placer(parseFloat(latitude.value), parseFloat(longitude.value), false);
    }
    carte.on("click", function (event) {
      placer(event.latlng.lat, event.latlng.lng, true);
    });
    retirer.addEventListener("click", function () {
      if (point) {
        carte.removeLayer(point);
        point = null;
      }
      latitude.value = "";
      longitude.value = "";
      etat.textContent = "Aucun point placé sur la carte.";
      retirer.hidden = true;
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
