// Capture of a diagnostic en marchant on a phone, offline-tolerant.
//
// Each entry is first kept in the browser (IndexedDB, its photo as a Blob) under the uuid
// given here, then sent by fetch to the form's data-envoyer-url. It leaves the queue only
// once the server answered 201 (recorded) or 200 (that uuid was already received: the
// server is idempotent on it), so an entry is never lost nor recorded twice. A 400 keeps it
// "à corriger" with its errors, shown next to the fields when it is opened again. The queue
// is sent on load, on the "online" event and every 30 s while entries wait.
// The place is chosen by tapping the map (Leaflet, no tile layer: the platform loads nothing
// from outside; the quartier's perimeter and the walk's problems are drawn on a plain
// background), by the phone's position, or typed as an address.
// Without this script, or without IndexedDB, the form is a plain POST to the page.
(function () {
  "use strict";

  var BASE = "cdv-gup-saisie";
  var TABLE = "entrees";
  var TOP_MS = 30000;
  var AVANCE_MS = 5 * 60 * 1000; // a phone's clock may run a little ahead
  var ANCIENNETE_MS = 30 * 24 * 3600 * 1000;
  var CHAMPS = [
    "categorie",
    "description",
    "adresse",
    "latitude",
    "longitude",
    "priorite",
    "signale_le",
  ];
  var LIBELLES = {
    categorie: "Catégorie",
    description: "Description",
    photo: "Photo",
    latitude: "Lieu",
    longitude: "Lieu",
    adresse: "Adresse ou repère",
    priorite: "Priorité",
    signale_le: "Constaté le",
    client_uuid: "Identifiant de saisie",
    __all__: "Signalement",
  };
  var ANCRES = { latitude: "#champ-lieu", priorite: "#id_priorite_0" };
  var COULEURS = { envoye: "#14532d", attente: "#8a4b00", choisi: "#9b1c1c" };

  var form, etat, liste, vide, resume, bouton, saisieHeure;
  var diagnostic, utilisateur, urlEnvoi, tailleMax, tailleMaxMo;
  var carte = null;
  var couchePoints = null;
  var marqueurChoisi = null;
  var pointsServeur = [];
  var pointsEnvoyes = [];
  var entrees = []; // this walk's queue, as last read from IndexedDB
  var enEdition = null; // the queued entry being corrected
  var heureTouchee = false;
  var envoiEnCours = false;
  var relancer = false;
  var horsConnexion = !navigator.onLine;
  var probleme = "";
  var bilan = "";

  // --- IndexedDB ---------------------------------------------------------------------

  var base = null;

  function ouvrir() {
    if (!base) {
      base = new Promise(function (resolve, reject) {
        var requete = window.indexedDB.open(BASE, 1);
        requete.onupgradeneeded = function () {
          var table = requete.result.createObjectStore(TABLE, { keyPath: "uuid" });
          table.createIndex("diagnostic", "diagnostic");
        };
        requete.onsuccess = function () {
          resolve(requete.result);
        };
        requete.onerror = function () {
          reject(requete.error);
        };
      });
    }
    return base;
  }

  function operation(mode, action) {
    return ouvrir().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(TABLE, mode);
        var requete = action(transaction.objectStore(TABLE));
        transaction.oncomplete = function () {
          resolve(requete.result);
        };
        transaction.onerror = transaction.onabort = function () {
          reject(transaction.error);
        };
      });
    });
  }

  function garder(entree) {
    return operation("readwrite", function (table) {
      return table.put(entree);
    });
  }

  function retirer(uuid) {
    return operation("readwrite", function (table) {
      return table.delete(uuid);
    });
  }

  function lire() {
    return operation("readonly", function (table) {
      return table.index("diagnostic").getAll(diagnostic);
    }).then(function (resultat) {
      // On a shared phone, each one sends only what they typed (under their own name).
      entrees = (resultat || []).filter(function (entree) {
        return entree.utilisateur === utilisateur;
      });
      entrees.sort(function (a, b) {
        return a.cree_le < b.cree_le ? -1 : a.cree_le > b.cree_le ? 1 : 0;
      });
      return entrees;
    });
  }

  // --- Small helpers -----------------------------------------------------------------

  function nouvelUuid() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    // Pages served over plain HTTP have no randomUUID: build a version 4 uuid.
    var octets = window.crypto.getRandomValues(new Uint8Array(16));
    octets[6] = (octets[6] & 0x0f) | 0x40;
    octets[8] = (octets[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map
      .call(octets, function (octet) {
        return (octet + 0x100).toString(16).slice(1);
      })
      .join("");
    return [
      hex.slice(0, 8),
      hex.slice(8, 12),
      hex.slice(12, 16),
      hex.slice(16, 20),
      hex.slice(20),
    ].join("-");
  }

  function deux(nombre) {
    return (nombre < 10 ? "0" : "") + nombre;
  }

  function valeurLocale(date) {
    // The value of a datetime-local input: the phone's local time, to the minute.
    return (
      date.getFullYear() +
      "-" +
      deux(date.getMonth() + 1) +
      "-" +
      deux(date.getDate()) +
      "T" +
      deux(date.getHours()) +
      ":" +
      deux(date.getMinutes())
    );
  }

  function jourHeure(iso) {
    var date = new Date(iso);
    if (isNaN(date.getTime())) {
      return "";
    }
    return (
      "le " +
      date.toLocaleDateString("fr-FR") +
      " à " +
      deux(date.getHours()) +
      ":" +
      deux(date.getMinutes())
    );
  }

  function pluriel(nombre, mot) {
    return nombre + " " + mot + (nombre > 1 ? "s" : "");
  }

  function coordonnee(valeur) {
    return Number(valeur).toFixed(5).replace(".", ",");
  }

  function element(nom, classe, texte) {
    var noeud = document.createElement(nom);
    if (classe) {
      noeud.className = classe;
    }
    if (texte !== undefined) {
      noeud.textContent = texte;
    }
    return noeud;
  }

  function jeton() {
    var champ = form.querySelector("input[name=csrfmiddlewaretoken]");
    return champ ? champ.value : "";
  }

  function libellePriorite(valeur) {
    var radio = form.querySelector("input[name=priorite][value='" + valeur + "']");
    var label = radio && radio.closest("label");
    return label ? label.textContent.trim().toLowerCase() : valeur;
  }

  // --- Errors next to the fields -----------------------------------------------------

  function blocDe(nom) {
    return form.querySelector('[data-champ="' + (nom === "longitude" ? "latitude" : nom) + '"]');
  }

  function cibleDe(bloc) {
    if (bloc.tagName === "FIELDSET") {
      return bloc;
    }
    return bloc.querySelector("select, textarea, input:not([type=hidden])");
  }

  function decrire(cible, id, ajouter) {
    var ids = (cible.getAttribute("aria-describedby") || "").split(" ").filter(function (x) {
      return x && x !== id;
    });
    if (ajouter) {
      ids.push(id);
    }
    if (ids.length) {
      cible.setAttribute("aria-describedby", ids.join(" "));
    } else {
      cible.removeAttribute("aria-describedby");
    }
  }

  function effacerErreurs() {
    resume.textContent = "";
    form.querySelectorAll("[data-champ]").forEach(function (bloc) {
      bloc.classList.remove("field--error");
      var zone = bloc.querySelector(":scope > [data-erreurs]");
      var erreur = zone && zone.querySelector(".error");
      var cible = cibleDe(bloc);
      if (erreur && cible) {
        decrire(cible, erreur.id, false);
      }
      if (zone) {
        zone.textContent = "";
      }
      if (cible) {
        cible.removeAttribute("aria-invalid");
      }
    });
  }

  function afficherErreurs(erreurs) {
    effacerErreurs();
    var lignes = [];
    Object.keys(erreurs).forEach(function (nom) {
      var messages = [].concat(erreurs[nom]);
      var bloc = blocDe(nom);
      var cle = bloc ? bloc.getAttribute("data-champ") : "__all__";
      var ancre = ANCRES[cle] || (bloc ? "#id_" + cle : "#form-saisie");
      messages.forEach(function (message) {
        lignes.push([ancre, LIBELLES[nom] || nom, message]);
      });
      if (!bloc) {
        return;
      }
      var zone = bloc.querySelector(":scope > [data-erreurs]");
      var id = "id_" + cle + "_error";
      var erreur = zone.querySelector(".error");
      if (!erreur) {
        erreur = element("div", "error");
        erreur.id = id;
        zone.appendChild(erreur);
      }
      messages.forEach(function (message) {
        erreur.appendChild(element("p", "", message));
      });
      bloc.classList.add("field--error");
      var cible = cibleDe(bloc);
      if (cible) {
        decrire(cible, id, true);
        if (cible !== bloc) {
          cible.setAttribute("aria-invalid", "true");
        }
      }
    });
    var sommaire = element("div", "error-summary");
    sommaire.setAttribute("role", "alert");
    sommaire.setAttribute("aria-labelledby", "erreurs-titre");
    var titre = element("h2", "", "Le signalement contient des erreurs :");
    titre.id = "erreurs-titre";
    sommaire.appendChild(titre);
    var ul = element("ul");
    lignes.forEach(function (ligne) {
      var lien = element("a", "", ligne[1] + " : " + ligne[2]);
      lien.href = ligne[0];
      var li = element("li");
      li.appendChild(lien);
      ul.appendChild(li);
    });
    sommaire.appendChild(ul);
    resume.appendChild(sommaire);
    resume.focus();
  }

  // --- The form ----------------------------------------------------------------------

  function mettreHeure() {
    if (!heureTouchee) {
      saisieHeure.value = valeurLocale(new Date());
    }
  }

  function lireFormulaire() {
    var donnees = new FormData(form);
    var champs = {};
    CHAMPS.forEach(function (nom) {
      champs[nom] = String(donnees.get(nom) || "").trim();
    });
    // Untouched, the time is the moment the entry is recorded; typed, the phone's local
    // time, sent with its offset.
    var moment = heureTouchee ? new Date(saisieHeure.value) : new Date();
    champs.signale_le = isNaN(moment.getTime()) ? "" : moment.toISOString();
    var select = form.elements.categorie;
    var option = select.options[select.selectedIndex];
    var fichier = form.elements.photo.files[0] || null;
    var retirerPhoto = document.getElementById("retirer-photo").checked;
    var entree = {
      uuid: enEdition ? enEdition.uuid : nouvelUuid(),
      diagnostic: diagnostic,
      utilisateur: utilisateur,
      champs: champs,
      categorie_libelle: champs.categorie && option ? option.textContent.trim() : "",
      photo: null,
      photo_nom: "",
      etat: "attente",
      erreurs: {},
      cree_le: enEdition ? enEdition.cree_le : new Date().toISOString(),
    };
    if (fichier) {
      entree.photo = new Blob([fichier], { type: fichier.type || "application/octet-stream" });
      entree.photo_nom = fichier.name || "photo.jpg";
    } else if (enEdition && enEdition.photo && !retirerPhoto) {
      entree.photo = enEdition.photo;
      entree.photo_nom = enEdition.photo_nom;
    }
    return entree;
  }

  function verifier(entree) {
    // The server checks the same (and more): this spares queuing an entry it would refuse.
    var champs = entree.champs;
    var erreurs = {};
    if (!champs.categorie) {
      erreurs.categorie = ["Choisissez une catégorie."];
    }
    if (!champs.description) {
      erreurs.description = ["Décrivez le problème en quelques mots."];
    }
    if (entree.photo && entree.photo.size > tailleMax) {
      erreurs.photo = [
        "La photo dépasse " + tailleMaxMo + " Mo : réduisez-la avant de l'envoyer.",
      ];
    } else if (entree.photo && entree.photo.type && entree.photo.type.indexOf("image/") !== 0) {
      erreurs.photo = ["Ce fichier n'est pas une photo (JPEG, PNG ou WebP)."];
    }
    if (!champs.latitude && !champs.adresse) {
      erreurs.adresse = ["Indiquez une adresse ou placez le problème sur la carte."];
    }
    if (!champs.priorite) {
      erreurs.priorite = ["Choisissez une priorité."];
    }
    var moment = new Date(champs.signale_le).getTime();
    if (!champs.signale_le || isNaN(moment)) {
      erreurs.signale_le = ["Indiquez la date et l'heure du constat."];
    } else if (moment > Date.now() + AVANCE_MS) {
      erreurs.signale_le = ["La date du constat est dans le futur : vérifiez l'heure."];
    } else if (moment < Date.now() - ANCIENNETE_MS) {
      erreurs.signale_le = [
        "La date du constat remonte à plus de 30 jours : ce signalement ne peut plus être " +
          "rattaché à ce diagnostic.",
      ];
    }
    return Object.keys(erreurs).length ? erreurs : null;
  }

  function formulaireVide() {
    return (
      !form.elements.description.value.trim() &&
      !form.elements.adresse.value.trim() &&
      !form.elements.latitude.value &&
      !form.elements.photo.files.length
    );
  }

  function viderFormulaire() {
    form.reset();
    effacerPosition();
    enEdition = null;
    document.getElementById("saisie-edition").hidden = true;
    document.getElementById("photo-jointe").hidden = true;
    heureTouchee = false;
    mettreHeure();
  }

  function corriger(entree) {
    viderFormulaire();
    enEdition = entree;
    var champs = entree.champs;
    form.elements.categorie.value = champs.categorie;
    form.elements.description.value = champs.description;
    form.elements.adresse.value = champs.adresse;
    var radio = form.querySelector("input[name=priorite][value='" + champs.priorite + "']");
    if (radio) {
      radio.checked = true;
    }
    if (champs.latitude && champs.longitude) {
      choisirPosition(Number(champs.latitude), Number(champs.longitude));
    }
    var moment = new Date(champs.signale_le);
    if (!isNaN(moment.getTime())) {
      saisieHeure.value = valeurLocale(moment);
      heureTouchee = true;
    }
    if (entree.photo) {
      document.getElementById("photo-jointe-nom").textContent = entree.photo_nom;
      document.getElementById("photo-jointe").hidden = false;
    }
    document.getElementById("saisie-edition-texte").textContent =
      "Correction de la saisie « " +
      (entree.categorie_libelle || "sans catégorie") +
      " » " +
      jourHeure(entree.cree_le) +
      " : corrigez les champs signalés, puis enregistrez.";
    document.getElementById("saisie-edition").hidden = false;
    afficherErreurs(entree.erreurs || {});
  }

  // --- The map -----------------------------------------------------------------------

  function francais(conteneur, selecteur, libelle) {
    // Leaflet's controls are labelled in English: say it in French.
    var controle = conteneur.querySelector(selecteur);
    if (controle) {
      controle.title = libelle;
      controle.setAttribute("aria-label", libelle);
    }
  }

  function creerCarte() {
    var conteneur = document.getElementById("carte-saisie");
    conteneur.hidden = false;
    document.getElementById("carte-absente").hidden = true;
    carte = window.L.map(conteneur, {
      attributionControl: false,
      fadeAnimation: false,
      scrollWheelZoom: false,
      zoomControl: true,
    });
    window.L.control.scale({ imperial: false }).addTo(carte);
    francais(conteneur, ".leaflet-control-zoom-in", "Zoom avant");
    francais(conteneur, ".leaflet-control-zoom-out", "Zoom arrière");
    couchePoints = window.L.layerGroup().addTo(carte);
    carte.on("click", function (event) {
      choisirPosition(event.latlng.lat, event.latlng.lng);
    });
    // Without a pointer: the arrows move the map (Leaflet), Enter places at its centre.
    conteneur.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && event.target === conteneur) {
        event.preventDefault();
        var centre = carte.getCenter();
        choisirPosition(centre.lat, centre.lng);
      }
    });
    return carte;
  }

  function initialiserCarte() {
    document.getElementById("saisie-carte-bloc").hidden = false;
    var perimetre = JSON.parse(document.getElementById("saisie-perimetre").textContent);
    pointsServeur = JSON.parse(document.getElementById("saisie-points").textContent);
    var limites = null;
    if (typeof window.L !== "undefined") {
      var couche = null;
      if (perimetre.features.length) {
        couche = window.L.geoJSON(perimetre, {
          // Not interactive: a tap inside the perimeter places the problem.
          interactive: false,
          style: { color: "#1b3a6b", weight: 3, fillColor: "#1b3a6b", fillOpacity: 0.1 },
        });
        limites = couche.getBounds();
      }
      tousLesPoints().forEach(function (point) {
        limites = limites ? limites.extend([point.lat, point.lng]) : window.L.latLngBounds(
          [point.lat, point.lng],
          [point.lat, point.lng]
        );
      });
      if (limites) {
        creerCarte();
        if (couche) {
          couche.addTo(carte);
        }
        carte.fitBounds(limites, { padding: [24, 24], maxZoom: 17 });
        dessinerPoints();
        return;
      }
    }
    document.getElementById("carte-saisie").hidden = true;
    document.getElementById("carte-absente").hidden = false;
  }

  function tousLesPoints() {
    var points = pointsServeur.concat(pointsEnvoyes).map(function (point) {
      return { lat: point.lat, lng: point.lng, couleur: COULEURS.envoye };
    });
    entrees.forEach(function (entree) {
      if (entree.champs.latitude && entree.champs.longitude) {
        points.push({
          lat: Number(entree.champs.latitude),
          lng: Number(entree.champs.longitude),
          couleur: COULEURS.attente,
        });
      }
    });
    return points;
  }

  function dessinerPoints() {
    if (!couchePoints) {
      return;
    }
    couchePoints.clearLayers();
    tousLesPoints().forEach(function (point) {
      window.L.circleMarker([point.lat, point.lng], {
        interactive: false,
        radius: 7,
        color: "#fff",
        weight: 2,
        fillColor: point.couleur,
        fillOpacity: 1,
      }).addTo(couchePoints);
    });
  }

  function choisirPosition(latitude, longitude) {
    form.elements.latitude.value = latitude.toFixed(6);
    form.elements.longitude.value = longitude.toFixed(6);
    document.getElementById("position-choisie").textContent =
      "Position choisie : latitude " + coordonnee(latitude) + ", longitude " +
      coordonnee(longitude) + ".";
    document.getElementById("effacer-position").hidden = false;
    if (carte) {
      if (marqueurChoisi) {
        marqueurChoisi.setLatLng([latitude, longitude]);
      } else {
        marqueurChoisi = window.L.circleMarker([latitude, longitude], {
          interactive: false,
          radius: 11,
          color: "#fff",
          weight: 3,
          fillColor: COULEURS.choisi,
          fillOpacity: 1,
        }).addTo(carte);
      }
    }
  }

  function effacerPosition() {
    form.elements.latitude.value = "";
    form.elements.longitude.value = "";
    document.getElementById("position-choisie").textContent = "Aucune position choisie.";
    document.getElementById("effacer-position").hidden = true;
    if (marqueurChoisi) {
      marqueurChoisi.remove();
      marqueurChoisi = null;
    }
  }

  function maPosition() {
    var texte = document.getElementById("position-choisie");
    if (!navigator.geolocation) {
      texte.textContent =
        "Ce téléphone ne donne pas sa position : touchez la carte ou indiquez l'adresse.";
      return;
    }
    texte.textContent = "Recherche de votre position…";
    navigator.geolocation.getCurrentPosition(
      function (position) {
        var latitude = position.coords.latitude;
        var longitude = position.coords.longitude;
        if (!carte && typeof window.L !== "undefined") {
          creerCarte();
          carte.setView([latitude, longitude], 17);
          dessinerPoints();
        } else if (carte) {
          carte.setView([latitude, longitude], Math.max(carte.getZoom(), 17));
        }
        choisirPosition(latitude, longitude);
      },
      function (erreur) {
        var messages = {
          1: "Position refusée : autorisez la localisation pour ce site, ou touchez la carte.",
          2: "Position introuvable : touchez la carte ou indiquez l'adresse.",
          3: "La position tarde à venir : réessayez, touchez la carte ou indiquez l'adresse.",
        };
        texte.textContent = messages[erreur.code] || messages[2];
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 30000 }
    );
  }

  // --- The list "Saisis sur ce parcours" and the status ------------------------------

  function details(champs, avecPhoto) {
    var morceaux = [champs.adresse || "Position sur la carte", jourHeure(champs.signale_le)];
    morceaux.push("priorité " + libellePriorite(champs.priorite));
    if (avecPhoto) {
      morceaux.push("1 photo");
    }
    return morceaux.join(" · ");
  }

  function itemDe(entree, statut, classe) {
    var li = element("li", "saisie " + classe);
    li.setAttribute("data-uuid", entree.uuid);
    var titre = element("p", "saisie__titre");
    titre.appendChild(element("strong", "", entree.categorie_libelle || "Sans catégorie"));
    titre.appendChild(document.createTextNode(" "));
    titre.appendChild(element("span", "saisie__etat", statut));
    li.appendChild(titre);
    var description = entree.champs.description;
    li.appendChild(
      element(
        "p",
        "saisie__texte",
        description.length > 140 ? description.slice(0, 139) + "…" : description
      )
    );
    li.appendChild(element("p", "saisie__details", details(entree.champs, !!entree.photo)));
    return li;
  }

  function itemEnFile(entree) {
    var aCorriger = entree.etat === "corriger";
    var li = itemDe(
      entree,
      aCorriger ? "À corriger" : "En attente d'envoi",
      aCorriger ? "saisie--corriger" : "saisie--attente"
    );
    li.setAttribute("data-local", "");
    if (aCorriger) {
      var ul = element("ul", "saisie__erreurs");
      Object.keys(entree.erreurs || {}).forEach(function (nom) {
        [].concat(entree.erreurs[nom]).forEach(function (message) {
          ul.appendChild(element("li", "", (LIBELLES[nom] || nom) + " : " + message));
        });
      });
      li.appendChild(ul);
      var boutons = element("div", "saisie__boutons");
      var ouvrirBouton = element("button", "button", "Corriger cette saisie");
      ouvrirBouton.type = "button";
      ouvrirBouton.addEventListener("click", function () {
        corriger(entree);
      });
      var abandon = element("button", "button button--secondary", "Abandonner cette saisie");
      abandon.type = "button";
      abandon.addEventListener("click", function () {
        if (!window.confirm("Abandonner cette saisie ? Elle ne sera jamais envoyée.")) {
          return;
        }
        if (enEdition && enEdition.uuid === entree.uuid) {
          viderFormulaire();
          effacerErreurs();
        }
        retirer(entree.uuid).then(lire).then(rafraichir);
      });
      boutons.appendChild(ouvrirBouton);
      boutons.appendChild(abandon);
      li.appendChild(boutons);
    }
    return li;
  }

  function ajouterEnvoye(entree, resultat) {
    // The entry leaves the queue's list at once: never shown both waiting and sent.
    var local = liste.querySelector('li[data-local][data-uuid="' + entree.uuid + '"]');
    if (local) {
      local.remove();
    }
    var deja = liste.querySelector('li[data-uuid="' + entree.uuid + '"]:not([data-local])');
    if (!deja) {
      var li = itemDe(entree, "Envoyé (n° " + resultat.id + ")", "saisie--envoye");
      var premier = liste.querySelector("li:not([data-local])");
      liste.insertBefore(li, premier);
    }
    if (entree.champs.latitude && entree.champs.longitude) {
      pointsEnvoyes.push({
        lat: Number(entree.champs.latitude),
        lng: Number(entree.champs.longitude),
      });
    }
  }

  function afficherEtat() {
    var attente = entrees.filter(function (entree) {
      return entree.etat !== "corriger";
    }).length;
    var aCorriger = entrees.length - attente;
    var phrases = [];
    if (horsConnexion) {
      phrases.push(
        attente
          ? "Hors connexion : " + pluriel(attente, "signalement") + " en attente d'envoi."
          : "Hors connexion : vos saisies restent sur ce téléphone jusqu'au retour du réseau."
      );
    } else if (probleme) {
      phrases.push(probleme);
    } else if (attente) {
      phrases.push("Envoi en cours : " + pluriel(attente, "signalement") + " en attente d'envoi.");
    } else if (bilan) {
      phrases.push(bilan);
    }
    if (aCorriger) {
      phrases.push(
        pluriel(aCorriger, "signalement") +
          " à corriger : ouvrez " +
          (aCorriger > 1 ? "chacun" : "le") +
          " depuis la liste « Saisis sur ce parcours »."
      );
    }
    var texte = phrases.join(" ");
    if (etat.textContent !== texte) {
      etat.textContent = texte;
    }
    etat.classList.toggle("saisie-etat--hors-ligne", horsConnexion);
  }

  function rafraichir() {
    liste.querySelectorAll("li[data-local]").forEach(function (li) {
      li.remove();
    });
    var premier = liste.firstChild;
    entrees
      .slice()
      .reverse()
      .forEach(function (entree) {
        liste.insertBefore(itemEnFile(entree), premier);
      });
    vide.hidden = liste.children.length > 0;
    dessinerPoints();
    afficherEtat();
  }

  // --- Sending the queue -------------------------------------------------------------

  function explication(reponse) {
    if (reponse.type === "opaqueredirect" || reponse.status === 0 || reponse.status === 302) {
      return (
        "Votre session a expiré : reconnectez-vous puis revenez sur cette page ; vos " +
        "saisies restent sur ce téléphone."
      );
    }
    if (reponse.status === 403) {
      return "Envoi refusé : rechargez la page ; vos saisies restent sur ce téléphone.";
    }
    if (reponse.status === 404) {
      return "Ce diagnostic n'est plus accessible : vos saisies restent sur ce téléphone.";
    }
    return (
      "Le serveur n'a pas pu enregistrer les saisies (erreur " +
      reponse.status +
      ") : nouvel essai dans 30 secondes."
    );
  }

  function marquerEnvoi(uuid) {
    var li = liste.querySelector('li[data-local][data-uuid="' + uuid + '"]');
    var statut = li && li.querySelector(".saisie__etat");
    if (statut) {
      statut.textContent = "Envoi en cours…";
    }
  }

  function envoyer(entree, refusees) {
    marquerEnvoi(entree.uuid);
    var donnees = new FormData();
    donnees.append("client_uuid", entree.uuid);
    CHAMPS.forEach(function (nom) {
      donnees.append(nom, entree.champs[nom] || "");
    });
    if (entree.photo) {
      donnees.append("photo", entree.photo, entree.photo_nom || "photo.jpg");
    }
    return window
      .fetch(urlEnvoi, {
        method: "POST",
        body: donnees,
        credentials: "same-origin",
        redirect: "manual",
        headers: { "X-CSRFToken": jeton(), Accept: "application/json" },
      })
      .then(
        function (reponse) {
          horsConnexion = false;
          if (reponse.status === 201 || reponse.status === 200) {
            return reponse.json().then(function (resultat) {
              return retirer(entree.uuid).then(function () {
                ajouterEnvoye(entree, resultat);
                return true;
              });
            });
          }
          if (reponse.status === 400) {
            return reponse.json().then(function (resultat) {
              entree.etat = "corriger";
              entree.erreurs = resultat.errors || { __all__: [resultat.message] };
              return garder(entree).then(function () {
                refusees.push(entree);
                return false;
              });
            });
          }
          probleme = explication(reponse);
          throw new Error(probleme);
        },
        function (erreur) {
          horsConnexion = true;
          throw erreur;
        }
      );
  }

  function enAttente() {
    return entrees.some(function (entree) {
      return entree.etat !== "corriger";
    });
  }

  function envoyerFile() {
    if (envoiEnCours) {
      relancer = true;
      return Promise.resolve();
    }
    if (!navigator.onLine) {
      horsConnexion = true;
      afficherEtat();
      return Promise.resolve();
    }
    envoiEnCours = true;
    probleme = "";
    var envoyees = 0;
    var refusees = [];
    return lire()
      .then(function (file) {
        // One at a time, in the order typed; the first failure of the network stops.
        return file
          .filter(function (entree) {
            return entree.etat !== "corriger";
          })
          .reduce(function (suite, entree) {
            return suite.then(function () {
              return envoyer(entree, refusees).then(function (envoyee) {
                envoyees += envoyee ? 1 : 0;
              });
            });
          }, Promise.resolve());
      })
      .catch(function () {
        // Network down, session expired, server error: the entries stay queued.
      })
      .then(function () {
        envoiEnCours = false;
        return lire();
      })
      .then(function () {
        if (envoyees && !entrees.length) {
          bilan =
            envoyees > 1
              ? envoyees + " signalements envoyés : tous les signalements saisis sont envoyés."
              : "Signalement envoyé : tous les signalements saisis sont envoyés.";
        }
        rafraichir();
        if (refusees.length && !enEdition && formulaireVide()) {
          corriger(refusees[0]);
        }
        if (relancer) {
          relancer = false;
          return envoyerFile();
        }
      });
  }

  function enregistrer(event) {
    event.preventDefault();
    var entree = lireFormulaire();
    var erreurs = verifier(entree);
    if (erreurs) {
      afficherErreurs(erreurs);
      return;
    }
    bouton.disabled = true;
    garder(entree)
      .then(
        function () {
          effacerErreurs();
          viderFormulaire();
          bilan = "";
          form.elements.categorie.focus();
          return lire().then(function () {
            rafraichir();
            envoyerFile();
          });
        },
        function () {
          afficherErreurs({
            __all__: [
              "Ce téléphone n'a pas pu garder la saisie (espace de stockage plein ?) : " +
                "elle n'est pas enregistrée. Réessayez.",
            ],
          });
        }
      )
      .then(function () {
        bouton.disabled = false;
      });
  }

  function demarrer() {
    form = document.getElementById("form-saisie");
    if (!form || !window.indexedDB || !window.fetch || !window.FormData || !window.Promise) {
      return; // the plain form stays
    }
    etat = document.getElementById("saisie-etat");
    liste = document.getElementById("saisies-liste");
    vide = document.getElementById("saisies-vide");
    resume = document.getElementById("saisie-resume");
    bouton = form.querySelector("button[type=submit]");
    saisieHeure = form.elements.signale_le;
    diagnostic = Number(form.getAttribute("data-diagnostic"));
    utilisateur = Number(form.getAttribute("data-utilisateur"));
    urlEnvoi = form.getAttribute("data-envoyer-url");
    tailleMax = Number(form.getAttribute("data-taille-max"));
    tailleMaxMo = form.getAttribute("data-taille-max-mo");

    ouvrir()
      .then(function () {
        form.noValidate = true; // our French messages, next to each field
        form.addEventListener("submit", enregistrer);
        saisieHeure.addEventListener("input", function () {
          heureTouchee = true;
        });
        mettreHeure();
        document.getElementById("ma-position").addEventListener("click", maPosition);
        document.getElementById("effacer-position").addEventListener("click", effacerPosition);
        document.getElementById("annuler-correction").addEventListener("click", function () {
          viderFormulaire();
          effacerErreurs();
        });
        window.addEventListener("online", function () {
          horsConnexion = false;
          envoyerFile();
        });
        window.addEventListener("offline", function () {
          horsConnexion = true;
          afficherEtat();
        });
        // A phone puts a page to sleep: try again when it wakes up, and every 30 s.
        document.addEventListener("visibilitychange", function () {
          if (document.visibilityState === "visible" && enAttente()) {
            envoyerFile();
          }
        });
        window.setInterval(function () {
          mettreHeure();
          if (enAttente()) {
            envoyerFile();
          }
        }, TOP_MS);
        return lire();
      })
      .then(function () {
        initialiserCarte();
        rafraichir();
        form.setAttribute("data-pret", "");
        return envoyerFile();
      })
      .catch(function () {
        // No IndexedDB here (a private window of some browsers): the plain form stays.
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", demarrer);
  } else {
    demarrer();
  }
})();
