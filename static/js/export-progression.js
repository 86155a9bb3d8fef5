// The progress of a background export: polls its JSON state every 2 seconds, updates the
// progress bar and the live region (announced when the percentage or the step changes),
// then shows the download link or the failure. Without JavaScript the page refreshes itself.
(function () {
  "use strict";

  var DELAI = 2000;

  function start() {
    var bloc = document.getElementById("export-progression");
    if (!bloc || bloc.hasAttribute("data-termine")) {
      return;
    }
    var barre = document.getElementById("export-barre");
    var statut = document.getElementById("export-statut");
    var resultat = document.getElementById("export-resultat");
    var actualiser = document.getElementById("export-actualiser");
    var dernier = statut.textContent;

    function afficher(etat) {
      barre.value = etat.progression;
      barre.textContent = etat.progression + " %";
      var texte = etat.etat_libelle + " : " + etat.progression + " %" + (etat.message ? " — " + etat.message : "");
      if (texte !== dernier) {
        statut.textContent = texte;
        dernier = texte;
      }
      if (!etat.termine) {
        return false;
      }
      resultat.textContent = "";
      var p = document.createElement("p");
      if (etat.telechargement) {
        var lien = document.createElement("a");
        lien.className = "button";
        lien.href = etat.telechargement;
        lien.setAttribute("download", "");
        lien.textContent = "Télécharger le fichier";
        p.appendChild(lien);
        if (etat.taille) {
          var taille = document.createElement("span");
          taille.className = "muted";
          taille.textContent = " (" + etat.taille + ")";
          p.appendChild(taille);
        }
      } else {
        p.className = "message message--error";
        p.setAttribute("role", "alert");
        p.textContent = etat.message;
      }
      resultat.appendChild(p);
      if (actualiser) {
        actualiser.hidden = true;
      }
      bloc.setAttribute("data-termine", "");
      return true;
    }

    function interroger() {
      fetch(bloc.getAttribute("data-etat-url"), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (reponse) {
          if (!reponse.ok) {
            throw new Error(reponse.status);
          }
          return reponse.json();
        })
        .then(function (etat) {
          if (!afficher(etat)) {
            window.setTimeout(interroger, DELAI);
          }
        })
        .catch(function () {
          // A network hiccup: try again a little later; the reload link stays there.
          window.setTimeout(interroger, DELAI * 2);
        });
    }

    window.setTimeout(interroger, DELAI);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
