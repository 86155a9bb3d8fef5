"""The GUP of the demo: problem categories, diagnostics en marchant and their problems, the
landlords' TFPB abatement and the régie de quartier's chantiers tremplin
(../shared/reference/carcassonne-figures.md, "GUP and TFPB").

Organisations. The demo already has every body this needs: the Ville de Carcassonne (voirie,
éclairage, propreté, stationnement, espaces verts, mobilier, nuisibles and tranquillité
publique: the police municipale is a service of the Ville, the demo has no separate
organisation for it), Carcassonne Agglo (encombrants and household waste: it also replaces
burnt containers), the three landlords — Habitat Audois, Alogea and Marcou Habitat, the third
one the report does not name (see organisations.py) — and the Régie de quartiers de
Carcassonne. No organisation is added here. "Parties communes" goes by default to Habitat
Audois, the largest landlord; each problem is then routed to the landlord of its building.

Problems. They are recorded through gup.services (signalement_create, signalement_transition,
signalement_comment) by the demo's coordinateur GUP, and by its intervenant GUP (Habitat
Audois) for the steps of problems assigned to Habitat Audois: histories are real. The
services stamp "now"; the planned dates are then written in bulk on the history and on
transmis_le / resolu_le / clos_le. Each problem carries a fixed client_uuid (uuid5 of its
key): a second run finds it again (signalement_create is idempotent on it) and leaves it and
its history as they are — demo users may have moved it on since.
- 2015–2022 contract: a diagnostic en marchant in spring 2021 and in spring 2022 in each of
  the 5 QPV (none in 2020, as in the report), 6 to 15 problems each, drawn among the
  recurrent problems of the report (encombrants, véhicules ventouses, propreté — Saint-Jacques
  is not covered by the régie —, container fires, street lights, roads, pigeons). Most are
  resolved, after a few days to several months; some are still open (past their due date);
  three were declared "hors compétence" by Habitat Audois and reassigned; one is a doublon,
  one was closed without follow-up.
- 2024–2030 contract: a diagnostic in April 2026 in La Conte – Ozanam and in Grazailles, with
  problems resolved, open and overdue, one awaiting reassignment; recent reports of partners
  (open, not yet due) and of residents (source habitant, awaiting moderation), and problems
  resolved by Habitat Audois. Dates are fixed (nothing depends on the day of the run): open
  problems of April 2026 stay overdue.
Addresses are streets of the quartiers; coordinates are drawn inside the quartier's
perimeter (the bounding boxes of indicateurs.py).

TFPB. Conventions of the three landlords for 2016–2021 under the 2015 contract, and for
2024–2030 under the new one. The report gives three figures; they are kept to the euro:
- the three landlords' abatement over 2016–2021 is 4 291 000 €;
- Habitat Audois + Alogea: more than 656 000 € in 2016 (656 812 € here), more than 700 000 €
  in 2021 (703 417 € here), and 3 379 433 € over 2016–2020 (the 2017–2020 years, not given,
  rise steadily between the two: 668 240, 676 905, 684 118 and 693 358 €);
- Marcou Habitat therefore has 4 291 000 − 3 379 433 − 703 417 = 208 150 € over 2016–2021
  (33 600 € in 2016 rising to 35 750 € in 2021).
Each year's Habitat Audois + Alogea amount is split between the two in proportion to their
dwellings in the QPV (1 490 and 910: the report gives no stock, these are illustrative),
then each landlord's amount between its quartiers in proportion to its dwellings there, by
the largest-remainder method, so every total above is exact in whole euros. The 2024–2026
abatements of the new contract follow the 2021 level with the revaluation of tax bases
(illustrative). Each landlord values actions by axis of the national framework (planned
amount close to the abatement, realised amount a little below; 2026 not yet reported).

Chantiers tremplin. Three or four a year from 2016 to 2022, run by the régie de quartier,
2.5 to 3 months each. The report's per-quartier counts ("Grazailles 2 sites / 17 residents;
Ozanam 3 / 25; La Conte & Joliot-Curie 3 / 24; Fleming & Pierre Blanche 2 / 17") add up to
10 sites, i.e. three years at 3–4 a year: they are read as the balance of the GUP convention
signed in 2018 for three years, 2018–2020. Mapped to the demo's quartiers: Grazailles →
Grazailles; Ozanam and La Conte & Joliot-Curie → two sectors of La Conte – Ozanam (6 sites,
49 residents of the QPV); Fleming & Pierre Blanche → Fleming – La Reille (2 sites, 17
residents). "Residents" are the participants living in a QPV (a site may take one or two
more participants from elsewhere). The other years' sites (2016, 2017, 2021, 2022) are drawn
over the five QPV. Outcomes (employment, training, IAE…) are plausible, not from the report.

Everything else is drawn by a seeded random.Random: the same rows on every run.
"""

import datetime
import random
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from cdv.enums import RoleCode
from gup import services
from gup.enums import CATEGORIES_PAR_DEFAUT, ETATS_CLOS, EtatSignalement, SourceSignalement
from gup.enums import Priorite as P
from gup.models import (
    AbattementTFPB,
    ActionTFPB,
    AxeTFPB,
    CategorieSignalement,
    ChantierTremplin,
    ConventionTFPB,
    Diagnostic,
    FinancementChantier,
    PatrimoineTFPB,
    Signalement,
)
from quartiers.models import Quartier

E = EtatSignalement
SEED = 2021
UUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://demo.cdv.local/gup/")

LA_CONTE = "La Conte – Ozanam"
VIGUIER = "Le Viguier – Saint-Jacques"
BASTIDE = "Bastide – Pont-Vieux"
FLEMING = "Fleming – La Reille"
GRAZAILLES = "Grazailles"
QPV = [LA_CONTE, VIGUIER, BASTIDE, FLEMING, GRAZAILLES]

HA, ALOGEA, MARCOU = "habitat_audois", "alogea", "marcou_habitat"
BAILLEURS = [HA, ALOGEA, MARCOU]
CONSEIL_CITOYEN = {
    LA_CONTE: "cc_la_conte",
    VIGUIER: "cc_viguier",
    BASTIDE: "cc_bastide",
    FLEMING: "cc_fleming",
    GRAZAILLES: "cc_grazailles",
}

# ---------------------------------------------------------------------------------------
# Categories: the default list, each with its default responsible body.
RESPONSABLES = {
    "proprete": "ville",
    "encombrants": "agglo",
    "voirie": "ville",
    "eclairage": "ville",
    "stationnement": "ville",
    "espaces_verts": "ville",
    "mobilier": "ville",
    "nuisibles": "ville",
    "parties_communes": HA,
    "tranquillite": "ville",
    "autre": None,
}
DESCRIPTIONS_CATEGORIES = {
    "encombrants": "Collecte des encombrants et des déchets ménagers : Carcassonne Agglo.",
    "parties_communes": "Routé vers le bailleur de la résidence (Habitat Audois par défaut, "
    "Alogea ou Marcou Habitat selon l'immeuble).",
    "tranquillite": "Police municipale de la Ville de Carcassonne.",
    "autre": "Orienté par la coordination GUP au cas par cas.",
}

# ---------------------------------------------------------------------------------------
# Diagnostics en marchant.
DATES_DIAGNOSTICS = {
    2021: {
        LA_CONTE: "2021-05-18",
        VIGUIER: "2021-05-20",
        BASTIDE: "2021-05-27",
        FLEMING: "2021-06-01",
        GRAZAILLES: "2021-06-03",
    },
    2022: {
        LA_CONTE: "2022-04-05",
        VIGUIER: "2022-04-07",
        BASTIDE: "2022-04-12",
        FLEMING: "2022-04-14",
        GRAZAILLES: "2022-04-21",
    },
    2026: {LA_CONTE: "2026-04-14", GRAZAILLES: "2026-04-16"},
}
SECTEURS = {
    LA_CONTE: [
        "Place Ozanam, rue Buffon, pied des tours",
        "Avenue Pierre Curie, rue Irène Joliot-Curie, city stade",
    ],
    VIGUIER: [
        "Rue du Viguier, place du Viguier, école",
        "Chemin de Saint-Jacques, résidence Saint-Jacques, parkings",
    ],
    BASTIDE: [
        "Place Carnot, rue de Verdun, square Gambetta",
        "Pont-Vieux, rue Trivalle, quai Riquet",
    ],
    FLEMING: [
        "Avenue Alexander Fleming, rue de la Reille",
        "Secteur Pierre Blanche, aire de jeux, parkings",
    ],
    GRAZAILLES: [
        "Rue Jean-Baptiste Lully, rue Hector Berlioz, centre commercial",
        "Rue Georges Bizet, rue Claude Debussy, jardins",
    ],
}
RUES = {
    LA_CONTE: [
        "rue Frédéric Ozanam",
        "rue Buffon",
        "avenue Pierre Curie",
        "rue Irène Joliot-Curie",
        "rue Lamarck",
        "place Ozanam",
    ],
    VIGUIER: [
        "rue du Viguier",
        "chemin de Saint-Jacques",
        "rue Saint-Jacques",
        "place du Viguier",
        "rue des Tisserands",
    ],
    BASTIDE: [
        "place Carnot",
        "rue de Verdun",
        "rue Trivalle",
        "rue du Pont-Vieux",
        "rue de la Liberté",
        "boulevard Barbès",
    ],
    FLEMING: [
        "avenue Alexander Fleming",
        "rue de la Reille",
        "rue Louis Pasteur",
        "rue Émile Roux",
        "impasse de Pierre Blanche",
    ],
    GRAZAILLES: [
        "rue Jean-Baptiste Lully",
        "rue Hector Berlioz",
        "rue Georges Bizet",
        "rue Claude Debussy",
        "rue Maurice Ravel",
    ],
}
# The landlords with housing in each quartier (first: the largest there).
BAILLEURS_DU_QUARTIER = {
    LA_CONTE: [HA, ALOGEA],
    VIGUIER: [HA, ALOGEA],
    BASTIDE: [ALOGEA, MARCOU],
    FLEMING: [ALOGEA, HA],
    GRAZAILLES: [HA],
}
NOTES_QUARTIER = {
    LA_CONTE: "Les dépôts d'encombrants au pied des tours et les véhicules ventouses sur les "
    "parkings restent les premiers sujets.",
    VIGUIER: "Le secteur Saint-Jacques n'est pas couvert par la régie de quartier : la "
    "propreté des espaces extérieurs y reste dégradée.",
    BASTIDE: "Pigeons et véhicules ventouses autour de la place Carnot ; éclairage des "
    "ruelles du Pont-Vieux.",
    FLEMING: "Conteneurs incendiés et encombrants près des points d'apport ; voirie abîmée "
    "du côté de Pierre Blanche.",
    GRAZAILLES: "Éclairage des cheminements et propreté autour du centre commercial.",
}

# The recurrent problems of the report, with their weight in the draw:
# (weight, category, description, responsible body (None: the category's; "bailleur": the
# landlord of the building), priority).
PROBLEMES = [
    (6, "encombrants", "Dépôt sauvage d'encombrants (matelas, meubles) au pied de "
     "l'immeuble.", None, P.NORMALE),
    (4, "encombrants", "Encombrants déposés près des conteneurs en dehors des jours de "
     "collecte.", None, P.NORMALE),
    (2, "encombrants", "Gravats et déchets de chantier abandonnés sur le trottoir.", None,
     P.NORMALE),
    (4, "stationnement", "Véhicule ventouse stationné depuis plusieurs semaines, pneus à "
     "plat.", None, P.NORMALE),
    (2, "stationnement", "Épave de voiture sur le parking de la résidence.", "bailleur",
     P.NORMALE),
    (3, "proprete", "Papiers et déchets le long du cheminement piéton.", None, P.NORMALE),
    (2, "proprete", "Déjections canines sur les pelouses et près de l'aire de jeux.", None,
     P.BASSE),
    (3, "proprete", "Conteneur à ordures incendié dans la nuit, à remplacer.", "agglo",
     P.HAUTE),
    (2, "proprete", "Deux bacs de tri brûlés au point d'apport volontaire.", "agglo",
     P.HAUTE),
    (4, "eclairage", "Candélabre éteint : le cheminement est plongé dans le noir le soir.",
     None, P.HAUTE),
    (2, "eclairage", "Plusieurs points lumineux en panne dans la rue.", None, P.NORMALE),
    (3, "voirie", "Nid-de-poule sur la chaussée.", None, P.NORMALE),
    (2, "voirie", "Trottoir soulevé par les racines, risque de chute.", None, P.NORMALE),
    (3, "nuisibles", "Nombreux pigeons : fientes sur les balcons et dans les entrées.",
     "bailleur", P.NORMALE),
    (1, "nuisibles", "Pigeons nichant sous le porche, salissures sur le trottoir.", None,
     P.BASSE),
    (2, "parties_communes", "Porte du hall qui ne ferme plus.", "bailleur", P.HAUTE),
    (2, "parties_communes", "Éclairage de la cage d'escalier en panne.", "bailleur",
     P.NORMALE),
    (1, "parties_communes", "Tags dans le hall d'entrée.", "bailleur", P.BASSE),
    (1, "espaces_verts", "Haie non taillée qui masque la visibilité au carrefour.", None,
     P.NORMALE),
    (1, "mobilier", "Jeu pour enfants dégradé sur l'aire de jeux.", None, P.HAUTE),
    (1, "mobilier", "Banc cassé sur la placette.", None, P.BASSE),
    (1, "tranquillite", "Rodéos de deux-roues le soir sur le parking.", None, P.NORMALE),
]  # fmt: skip
PROPRETE_SAINT_JACQUES = (
    "Secteur Saint-Jacques non couvert par la régie de quartier : déchets et papiers "
    "s'accumulent sur les espaces extérieurs."
)
# What the responsible body answers, per category.
RESOLUTIONS = {
    "proprete": [
        "Nettoyage effectué par le service propreté.",
        "Secteur nettoyé, passage ajouté à la tournée.",
    ],
    # Burnt containers: the agglo's waste collection replaces them.
    "conteneur": ["Conteneur remplacé par le service de collecte."],
    "encombrants": [
        "Encombrants enlevés par le service de collecte.",
        "Dépôt enlevé ; rappel des jours de collecte affiché dans les halls.",
    ],
    "voirie": ["Chaussée reprise par le service voirie.", "Réparation faite, contrôle sur place."],
    "eclairage": ["Lampe remplacée, éclairage rétabli.", "Candélabre réparé."],
    "stationnement": [
        "Véhicule enlevé par la fourrière après mise en demeure.",
        "Propriétaire identifié, véhicule déplacé.",
    ],
    "nuisibles": ["Filets et pics anti-pigeons posés.", "Campagne de capture réalisée."],
    "parties_communes": [
        "Réparation faite par le prestataire du bailleur.",
        "Intervention du gardien, contrôle sur place.",
    ],
    "espaces_verts": ["Taille effectuée par le service des espaces verts."],
    "mobilier": ["Équipement réparé.", "Élément remplacé par le service."],
    "tranquillite": ["Passages renforcés de la police municipale, situation apaisée."],
}
ATTENTE_VOIRIE = "Travaux inscrits au programme de voirie, en attente de financement."
ATTENTES = {
    "voirie": [ATTENTE_VOIRIE],
    "parties_communes": ["Devis demandé au prestataire, intervention en attente."],
}
ATTENTES_AUTRES = [
    "Relancé au COTECH GUP : intervention à programmer.",
    "Point fait avec le service : intervention reportée, à reprogrammer.",
]
# Problems wrongly routed to Habitat Audois, which declares them outside its remit:
# (category, description, comment of the landlord, body it is reassigned to).
HORS_COMPETENCE = [
    ("parties_communes", "Candélabre éteint sur le cheminement entre deux bâtiments.",
     "Il s'agit de l'éclairage public du cheminement, pas de nos parties communes.", "ville"),
    ("parties_communes", "Encombrants déposés sur le trottoir devant la résidence.",
     "Dépôt sur la voie publique : collecte des encombrants de l'agglomération.", "agglo"),
    ("parties_communes", "Chaussée affaissée à l'entrée du parking.",
     "La voie d'accès est communale, le parking de la résidence commence après la barrière.",
     "ville"),
]  # fmt: skip
# Recent reports of residents (source habitant), awaiting moderation:
# (quartier, day, category, description, e-mail).
HABITANTS_2026 = [
    (LA_CONTE, "2026-11-09", "encombrants", "Depuis une semaine un canapé et un frigo sont "
     "abandonnés devant l'entrée du bâtiment B.", "k.amrani@example.org"),
    (GRAZAILLES, "2026-11-16", "eclairage", "Le lampadaire en face de l'arrêt de bus ne "
     "s'allume plus, on ne voit rien le soir en rentrant.", "m.garcia@example.org"),
    (LA_CONTE, "2026-11-19", "nuisibles", "Beaucoup de pigeons sur les rebords des fenêtres "
     "au 3e étage, c'est sale et bruyant.", "s.durand@example.org"),
]  # fmt: skip
# Recent reports of partners, open and not yet due: (quartier, day, category, description,
# body, steps).
PARTENAIRES_2026 = [
    (LA_CONTE, "2026-11-12", "voirie", "Regard d'égout descellé sur le trottoir, signalé par "
     "le gardien.", "ville", ["transmettre"]),
    (GRAZAILLES, "2026-11-17", "parties_communes", "Interphone du hall hors service, "
     "signalé par l'amicale des locataires.", HA, ["transmettre", "prendre_en_charge"]),
]  # fmt: skip


@dataclass
class Etape:
    code: str  # a transition's code or "commentaire"
    jour: int  # days after the report
    commentaire: str = ""
    organisation: str | None = None
    original: str | None = None
    public: bool = True


@dataclass
class Probleme:
    key: str
    quartier: str
    categorie: str
    description: str
    adresse: str
    position: tuple  # fractions of the quartier's bounding box
    organisation: str | None
    priorite: str
    signale: datetime.datetime
    source: str = SourceSignalement.DIAGNOSTIC
    diagnostic: tuple | None = None  # (quartier, date)
    email: str = ""
    etapes: list = field(default_factory=list)


@dataclass
class DiagnosticDemo:
    quartier: str
    date: datetime.date
    secteur: str
    nb_habitants: int
    participants: list
    compte_rendu: str = ""


def _at(day, hour=10, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _adresse(rng, quartier):
    return f"{rng.randint(1, 48)} {rng.choice(RUES[quartier])}, 11000 Carcassonne"


def _position(rng):
    return (round(rng.uniform(0.15, 0.85), 4), round(rng.uniform(0.15, 0.85), 4))


def _resolu(rng, categorie, duree_max):
    """The steps of a problem solved after a few days to several months."""
    tranche = rng.choices(["jours", "semaines", "mois"], weights=[35, 35, 30])[0]
    duree = {
        "jours": rng.randint(3, 14),
        "semaines": rng.randint(15, 60),
        "mois": rng.randint(61, 210),
    }[tranche]
    duree = min(duree, duree_max)
    transmis = rng.randint(1, max(1, min(6, duree // 3)))
    prise = rng.randint(transmis, max(transmis, (transmis + duree) // 2))
    etapes = [Etape("transmettre", transmis), Etape("prendre_en_charge", prise)]
    if duree > 20 and rng.random() < 0.6:
        debut = rng.randint(prise, duree)
        etapes.append(Etape("demarrer", debut))
        if duree > 60 and rng.random() < 0.5:
            etapes.append(
                Etape(
                    "commentaire",
                    rng.randint(debut, duree),
                    rng.choice(ATTENTES.get(categorie, ATTENTES_AUTRES)),
                )
            )
    etapes.append(Etape("resoudre", duree, rng.choice(RESOLUTIONS[categorie])))
    return etapes


def _ouvert(rng, categorie, delai_max):
    """The steps of a problem still open, its due date long past."""
    transmis = rng.randint(1, 6)
    etapes = [Etape("transmettre", transmis)]
    suite = rng.choice(["transmis", "pris_en_charge", "en_cours"])
    if suite != "transmis":
        etapes.append(Etape("prendre_en_charge", transmis + rng.randint(2, 20)))
    if suite == "en_cours":
        etapes.append(Etape("demarrer", etapes[-1].jour + rng.randint(5, 30)))
    relance = min(delai_max, etapes[-1].jour + rng.randint(30, 120))
    attente = rng.choice(ATTENTES.get(categorie, ATTENTES_AUTRES))
    etapes.append(Etape("commentaire", relance, attente, public=False))
    return etapes


def _organisation(rng, quartier, responsable):
    if responsable == "bailleur":
        return rng.choice(BAILLEURS_DU_QUARTIER[quartier])
    return responsable


def _probleme(rng, key, quartier, jour, heure, diagnostic, source=SourceSignalement.DIAGNOSTIC):
    poids = [p[0] for p in PROBLEMES]
    _, categorie, description, responsable, priorite = rng.choices(PROBLEMES, weights=poids)[0]
    if quartier == VIGUIER and categorie == "proprete" and rng.random() < 0.6:
        description = PROPRETE_SAINT_JACQUES
    return Probleme(
        key=key,
        quartier=quartier,
        categorie=categorie,
        description=description,
        adresse=_adresse(rng, quartier),
        position=_position(rng),
        organisation=_organisation(rng, quartier, responsable),
        priorite=priorite,
        signale=_at(jour, *heure),
        source=source,
        diagnostic=diagnostic,
    )


def _participants(rng, quartier):
    orgs = ["ville", "agglo", *BAILLEURS_DU_QUARTIER[quartier], "regie", CONSEIL_CITOYEN[quartier]]
    if rng.random() < 0.4:
        orgs.append("delegue_prefet")
    return orgs


def _compte_rendu(diag, problemes, labels):
    themes = {}
    for p in problemes:
        themes[p.categorie] = themes.get(p.categorie, 0) + 1
    principaux = sorted(themes, key=lambda code: (-themes[code], code))[:3]
    return (
        f"Parcours : {diag.secteur.lower()}. {diag.nb_habitants} habitants ont accompagné les "
        f"partenaires. {len(problemes)} points relevés, surtout : "
        f"{', '.join(labels[code].lower() for code in principaux)}. "
        f"{NOTES_QUARTIER[diag.quartier]} Fiche de suivi transmise aux partenaires ; point "
        "d'étape au prochain COTECH GUP."
    )


def plan(labels):
    """Every diagnostic and problem of the demo, drawn once from the seed: returns
    ({(contract year, quartier, date): DiagnosticDemo}, [Probleme]) in creation order."""
    rng = random.Random(SEED)
    diagnostics, problemes = {}, []
    specials_2015 = {
        (LA_CONTE, 2021): "hors_competence:0",
        (FLEMING, 2021): "hors_competence:2",
        (GRAZAILLES, 2022): "hors_competence:1",
        (BASTIDE, 2022): "doublon",
        (VIGUIER, 2021): "clos_sans_suite",
    }
    for annee in (2021, 2022, 2026):
        contrat = 2024 if annee == 2026 else 2015
        for n_quartier, (quartier, iso) in enumerate(DATES_DIAGNOSTICS[annee].items()):
            jour = datetime.date.fromisoformat(iso)
            diag = DiagnosticDemo(
                quartier=quartier,
                date=jour,
                secteur=SECTEURS[quartier][(annee + n_quartier) % 2],
                nb_habitants=rng.randint(5, 20),
                participants=_participants(rng, quartier),
            )
            nombre = rng.randint(9, 12) if annee == 2026 else rng.randint(6, 15)
            ref = (quartier, jour)
            duree_max = (datetime.date(2026, 11, 1) - jour).days
            lot = []
            for i in range(nombre):
                heures, minutes = divmod(i * 15, 60)
                heure = (9 + heures, minutes)
                p = _probleme(rng, f"{contrat}:{quartier}:{iso}:{i}", quartier, jour, heure, ref)
                tirage = rng.random()
                if annee == 2026:
                    ouvert = tirage < 0.4
                else:
                    ouvert = tirage < 0.12
                conteneur = p.categorie == "proprete" and p.organisation == "agglo"
                reponse = "conteneur" if conteneur else p.categorie
                if ouvert:
                    p.etapes = _ouvert(rng, reponse, duree_max)
                else:
                    p.etapes = _resolu(rng, reponse, duree_max)
                lot.append(p)
            special = specials_2015.get((quartier, annee)) if annee != 2026 else None
            if special and special.startswith("hors_competence"):
                _hors_competence(rng, lot[-1], int(special.split(":")[1]), quartier, annee)
            elif special == "doublon":
                original = lot[0]
                lot[-1].categorie = original.categorie
                lot[-1].description = original.description + " (même point, relevé par le "
                "conseil citoyen)."
                lot[-1].organisation = original.organisation
                lot[-1].adresse = original.adresse
                lot[-1].position = original.position
                lot[-1].source = SourceSignalement.CONSEIL_CITOYEN
                lot[-1].etapes = [Etape("marquer_doublon", 1, original=original.key)]
            elif special == "clos_sans_suite":
                p = lot[-1]
                p.categorie, p.organisation = "stationnement", None
                p.description = "Véhicule ventouse sur le parking, pneus à plat."
                p.etapes = [
                    Etape("transmettre", 2),
                    Etape(
                        "clore_sans_suite",
                        16,
                        "Le véhicule a été déplacé par son propriétaire avant l'intervention.",
                    ),
                ]
            if annee == 2026:
                _scenarios_2026(rng, lot, quartier)
            diag.compte_rendu = _compte_rendu(diag, lot, labels)
            diagnostics[(contrat, quartier, jour)] = diag
            problemes.extend(lot)
    problemes.extend(_recents_2026(rng))
    return diagnostics, problemes


def _hors_competence(rng, p, numero, quartier, annee, resolu=True):
    categorie, description, commentaire, cible = HORS_COMPETENCE[numero]
    p.categorie, p.description, p.organisation = categorie, description, HA
    p.priorite = P.NORMALE
    etapes = [
        Etape("transmettre", 2),
        Etape("hors_competence", 2 + rng.randint(2, 6), commentaire),
    ]
    reattribue = etapes[-1].jour + rng.randint(1, 5)
    if annee == 2026 and not resolu:
        p.etapes = etapes
        return
    etapes.append(Etape("reattribuer", reattribue, organisation=cible))
    if resolu and numero != 2:
        etapes.append(Etape("prendre_en_charge", reattribue + rng.randint(1, 7)))
        etapes.append(Etape("resoudre", etapes[-1].jour + rng.randint(5, 40), "Intervention "
                            "réalisée."))  # fmt: skip
    else:
        etapes.append(Etape("prendre_en_charge", reattribue + rng.randint(5, 15)))
        etapes.append(Etape("demarrer", etapes[-1].jour + rng.randint(10, 30)))
        etapes.append(Etape("commentaire", etapes[-1].jour + 90, ATTENTE_VOIRIE, public=False))
    p.etapes = etapes


def _scenarios_2026(rng, lot, quartier):
    """In April 2026: a problem of Habitat Audois's common parts resolved by its intervenant
    in La Conte; one awaiting reassignment in Grazailles."""
    if quartier == LA_CONTE:
        p = lot[0]
        p.categorie, p.organisation, p.priorite = "parties_communes", HA, P.HAUTE
        p.description = "Porte du hall du bâtiment A qui ne ferme plus, digicode arraché."
        p.etapes = [
            Etape("transmettre", 1),
            Etape("prendre_en_charge", 2),
            Etape("demarrer", 5, "Serrurier missionné."),
            Etape("resoudre", 9, "Porte réparée et digicode remplacé."),
        ]
    else:
        _hors_competence(rng, lot[-1], 0, quartier, 2026, resolu=False)


def _recents_2026(rng):
    problemes = []
    for i, (quartier, iso, categorie, description, email) in enumerate(HABITANTS_2026):
        problemes.append(
            Probleme(
                key=f"2024:habitant:{i}",
                quartier=quartier,
                categorie=categorie,
                description=description,
                adresse=_adresse(rng, quartier),
                position=_position(rng),
                organisation=None,
                priorite=P.NORMALE,
                signale=_at(datetime.date.fromisoformat(iso), 19, 30),
                source=SourceSignalement.HABITANT,
                email=email,
            )
        )
    for i, (quartier, iso, categorie, description, org, codes) in enumerate(PARTENAIRES_2026):
        problemes.append(
            Probleme(
                key=f"2024:partenaire:{i}",
                quartier=quartier,
                categorie=categorie,
                description=description,
                adresse=_adresse(rng, quartier),
                position=_position(rng),
                organisation=org,
                priorite=P.NORMALE,
                signale=_at(datetime.date.fromisoformat(iso), 11),
                source=SourceSignalement.PARTENAIRE,
                etapes=[Etape(code, j + 1) for j, code in enumerate(codes)],
            )
        )
    return problemes


# ---------------------------------------------------------------------------------------
# TFPB.
# Dwellings of each landlord per quartier (illustrative: the report gives no stock).
PATRIMOINE = {
    HA: {LA_CONTE: 610, VIGUIER: 360, GRAZAILLES: 330, FLEMING: 190},
    ALOGEA: {LA_CONTE: 340, FLEMING: 280, VIGUIER: 160, BASTIDE: 130},
    MARCOU: {BASTIDE: 118},
}
TOTAL_2016_2021 = 4_291_000
HA_ALOGEA_2016_2020 = 3_379_433
HA_ALOGEA = {
    2016: 656_812,
    2017: 668_240,
    2018: 676_905,
    2019: 684_118,
    2020: 693_358,
    2021: 703_417,
}
MARCOU_ANNEES = {2016: 33_600, 2017: 34_100, 2018: 34_500, 2019: 34_900, 2020: 35_300}
MARCOU_ANNEES[2021] = TOTAL_2016_2021 - sum(HA_ALOGEA.values()) - sum(MARCOU_ANNEES.values())
# The new contract's years, from the 2021 level with the revaluation of tax bases.
REVALORISATION = {2024: Decimal("1.112"), 2025: Decimal("1.131"), 2026: Decimal("1.142")}
RESIDENCES = {
    (HA, LA_CONTE): "Résidence Ozanam",
    (HA, VIGUIER): "Résidence Le Viguier",
    (HA, GRAZAILLES): "Résidence Grazailles",
    (HA, FLEMING): "Résidence Fleming",
    (ALOGEA, LA_CONTE): "Résidence Joliot-Curie",
    (ALOGEA, FLEMING): "Résidence La Reille",
    (ALOGEA, VIGUIER): "Résidence Saint-Jacques",
    (ALOGEA, BASTIDE): "Résidence du Pont-Vieux",
    (MARCOU, BASTIDE): "Immeubles de la Bastide",
}
ACTIONS_PAR_AXE = {
    "1": "Gardiennage renforcé et agent de proximité supplémentaire",
    "2": "Formation des gardiens à la gestion des conflits",
    "3": "Nettoyage renforcé des halls et enlèvement des tags",
    "4": "Enlèvement des encombrants et des épaves",
    "5": "Médiation de nuit (19 h – 21 h)",
    "6": "Participation aux diagnostics en marchant et réunions de locataires",
    "7": "Chantiers tremplin et locaux prêtés aux associations",
    "8": "Petits travaux : éclairage des abords, contrôle d'accès",
}
# The axes each landlord uses most (drawn among them each year).
AXES_BAILLEUR = {
    HA: ["1", "3", "4", "5", "6", "7", "8"],
    ALOGEA: ["1", "3", "4", "5", "6", "8"],
    MARCOU: ["3", "4", "6", "8"],
}
CONVENTIONS = {
    2015: (2016, 2021, datetime.date(2016, 3, 15)),
    2024: (2024, 2030, datetime.date(2024, 10, 15)),
}


def repartir(total, poids):
    """Split the whole `total` in proportion to `poids` ({key: weight}), the rounding
    remainders going to the largest fractions: the parts add up to `total` exactly."""
    somme = sum(poids.values())
    exact = {k: Decimal(total) * w / somme for k, w in poids.items()}
    parts = {k: int(v) for k, v in exact.items()}
    reste = int(total) - sum(parts.values())
    for k in sorted(exact, key=lambda k: (-(exact[k] - parts[k]), str(k)))[:reste]:
        parts[k] += 1
    return parts


def abattements_2015():
    """{(landlord, quartier, year): euros} of the 2015 contract, 2016–2021."""
    if sum(HA_ALOGEA[a] for a in range(2016, 2021)) != HA_ALOGEA_2016_2020:
        raise ValueError("Abattements de démonstration : 2016–2020 ≠ 3 379 433 €.")
    logements = {b: sum(PATRIMOINE[b].values()) for b in BAILLEURS}
    result = {}
    for annee in range(2016, 2022):
        par_bailleur = repartir(HA_ALOGEA[annee], {HA: logements[HA], ALOGEA: logements[ALOGEA]})
        par_bailleur[MARCOU] = MARCOU_ANNEES[annee]
        for bailleur, montant in par_bailleur.items():
            for quartier, part in repartir(montant, PATRIMOINE[bailleur]).items():
                result[(bailleur, quartier, annee)] = part
    return result


def abattements_2024():
    """{(landlord, quartier, year): euros} of the 2024 contract, 2024–2026 (illustrative)."""
    base = abattements_2015()
    return {
        (bailleur, quartier, annee): int(
            (base[(bailleur, quartier, 2021)] * taux).quantize(Decimal("1"))
        )
        for annee, taux in REVALORISATION.items()
        for (bailleur, quartier, an) in base
        if an == 2021
    }


def _centaines(value):
    return (Decimal(value) / 100).quantize(Decimal("1")) * 100


def actions_tfpb(abattements):
    """The valued actions of each landlord, quartier and year: [(key, values)]."""
    rng = random.Random(SEED + 1)
    result = []
    for (bailleur, quartier, annee), montant in sorted(abattements.items()):
        axes = sorted(rng.sample(AXES_BAILLEUR[bailleur], rng.randint(3, 4)), key=int)
        prevu_total = Decimal(montant) * Decimal(str(rng.uniform(0.97, 1.05)))
        poids = {axe: rng.randint(2, 10) for axe in axes}
        parts = repartir(int(prevu_total), poids)
        for axe in axes:
            prevu = _centaines(parts[axe])
            realise = None
            if annee < 2026:
                realise = (prevu * Decimal(str(rng.uniform(0.82, 1.04)))).quantize(Decimal("1"))
            cofinancement = Decimal(0)
            if axe == "7":
                cofinancement = _centaines(prevu * Decimal("0.3"))
            result.append(
                (
                    (bailleur, quartier, annee, axe),
                    {
                        "intitule": ACTIONS_PAR_AXE[axe],
                        "residence": RESIDENCES[(bailleur, quartier)],
                        "montant_prevu": prevu,
                        "montant_realise": realise,
                        "cofinancement": cofinancement,
                    },
                )
            )
    return result


# ---------------------------------------------------------------------------------------
# Chantiers tremplin.
# The report's balance, read as 2018–2020: (year, quartier, sector, QPV residents).
CHANTIERS_RAPPORT = [
    (2018, GRAZAILLES, "Grazailles", 9),
    (2018, LA_CONTE, "Ozanam", 8),
    (2018, LA_CONTE, "Joliot-Curie", 8),
    (2019, LA_CONTE, "Ozanam", 9),
    (2019, LA_CONTE, "La Conte", 8),
    (2019, FLEMING, "Fleming", 9),
    (2019, FLEMING, "Pierre Blanche", 8),
    (2020, GRAZAILLES, "Grazailles", 8),
    (2020, LA_CONTE, "Ozanam", 8),
    (2020, LA_CONTE, "Joliot-Curie", 8),
]
# The report's per-quartier reading: {demo quartier: (sites, QPV residents)} over 2018–2020.
CHANTIERS_PAR_QUARTIER_2018_2020 = {GRAZAILLES: (2, 17), LA_CONTE: (6, 49), FLEMING: (2, 17)}
CHANTIERS_AUTRES_ANNEES = {2016: 3, 2017: 3, 2021: 4, 2022: 4}
SECTEURS_CHANTIERS = {
    LA_CONTE: ["Ozanam", "La Conte", "Joliot-Curie"],
    VIGUIER: ["Le Viguier"],
    BASTIDE: ["Pont-Vieux", "Bastide"],
    FLEMING: ["Fleming", "Pierre Blanche"],
    GRAZAILLES: ["Grazailles"],
}
TRAVAUX = [
    "Remise en peinture des halls",
    "Peinture des cages d'escalier",
    "Aménagement d'un jardin partagé",
    "Embellissement des abords",
    "Réfection des locaux à vélos",
    "Fresque murale avec les habitants",
    "Remise en état des clôtures et des bancs",
]


def chantiers():
    """Every chantier tremplin of 2016–2022: [dict], drawn once from the seed."""
    rng = random.Random(SEED + 2)
    lignes = [(annee, q, s, r) for annee, q, s, r in CHANTIERS_RAPPORT]
    for annee, nombre in CHANTIERS_AUTRES_ANNEES.items():
        quartiers = rng.sample(QPV, nombre)
        for quartier in quartiers:
            lignes.append(
                (annee, quartier, rng.choice(SECTEURS_CHANTIERS[quartier]), rng.randint(6, 9))
            )
    result = []
    pris = set()
    for annee, quartier, secteur, residents in sorted(lignes, key=lambda x: (x[0], x[1], x[2])):
        travaux = rng.choice([t for t in TRAVAUX if (annee, quartier, t) not in pris])
        pris.add((annee, quartier, travaux))
        participants = residents + rng.choice([0, 0, 1, 2])
        # No site during the spring 2020 lockdown.
        mois = rng.randint(6, 8) if annee == 2020 else rng.randint(2, 8)
        debut = datetime.date(annee, mois, rng.choice([1, 15]))
        fin = debut + datetime.timedelta(days=rng.randint(76, 92))
        femmes = rng.randint(participants // 4, participants // 2)
        issues = [0] * 5
        for _ in range(participants):
            issues[rng.choices(range(5), weights=[22, 20, 20, 23, 15])[0]] += 1
        result.append(
            {
                "annee": annee,
                "quartier": quartier,
                "intitule": f"{travaux} — {secteur}",
                "date_debut": debut,
                "date_fin": fin,
                "participants": participants,
                "femmes": femmes,
                "hommes": participants - femmes,
                "residents_qpv": residents,
                "sorties_emploi": issues[0],
                "sorties_formation": issues[1],
                "sorties_iae": issues[2],
                "sorties_autre_suivi": issues[3],
                "sorties_sans_solution": issues[4],
                "financements": {
                    "prefecture": Decimal(rng.randint(50, 80) * 100),
                    "ville": Decimal(rng.randint(30, 50) * 100),
                    BAILLEURS_DU_QUARTIER[quartier][0]: Decimal(rng.randint(40, 70) * 100),
                },
            }
        )
    return result


# ---------------------------------------------------------------------------------------
# Loading.
def _upsert(report, model, lookup, **values):
    obj = model.objects.filter(**lookup).first()
    created = obj is None
    if created:
        obj = model(**lookup)
    for name, value in values.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    report.count(model, created)
    return obj


def _load_categories(report, contrat, orgs):
    categories = {}
    for ordre, (code, libelle, delai) in enumerate(CATEGORIES_PAR_DEFAUT, 1):
        responsable = RESPONSABLES[code]
        categories[code] = _upsert(
            report,
            CategorieSignalement,
            {"contrat": contrat, "code": code},
            libelle=libelle,
            description=DESCRIPTIONS_CATEGORIES.get(code, ""),
            organisation_responsable=orgs[responsable] if responsable else None,
            delai_cible_jours=delai,
            ordre=ordre,
            active=True,
        )
    return categories


def _bbox(quartier):
    if not quartier.perimetre:
        return None
    ring = quartier.perimetre["coordinates"][0]
    lons = [point[0] for point in ring]
    lats = [point[1] for point in ring]
    return min(lons), min(lats), max(lons), max(lats)


def _coordonnees(quartier, position):
    box = _bbox(quartier)
    if box is None:
        return None, None
    lon_min, lat_min, lon_max, lat_max = box
    fx, fy = position
    lat = Decimal(str(round(lat_min + fy * (lat_max - lat_min), 6)))
    lon = Decimal(str(round(lon_min + fx * (lon_max - lon_min), 6)))
    return lat, lon


def _acteur(code, signalement, users, ha):
    coordination = users[RoleCode.COORDINATEUR_GUP]
    intervenant = users[RoleCode.INTERVENANT_GUP]
    if code == "hors_competence":
        return intervenant
    if code in ("transmettre", "reattribuer", "marquer_doublon", "clore_sans_suite"):
        return coordination
    return intervenant if signalement.organisation_responsable_id == ha.pk else coordination


def _walk(signalement, probleme, users, orgs, signalements):
    """Take the problem through its steps with the services, then date its history."""
    dates = [probleme.signale]
    for rang, etape in enumerate(probleme.etapes, 1):
        user = _acteur(etape.code, signalement, users, orgs[HA])
        if etape.code == "commentaire":
            services.signalement_comment(
                signalement=signalement,
                user=user,
                commentaire=etape.commentaire,
                public=etape.public,
            )
        else:
            services.signalement_transition(
                signalement=signalement,
                user=user,
                code=etape.code,
                commentaire=etape.commentaire,
                organisation=orgs[etape.organisation] if etape.organisation else None,
                original=signalements.get(etape.original),
            )
        dates.append(probleme.signale + datetime.timedelta(days=etape.jour, hours=rang))
    evenements = list(signalement.evenements.order_by("id"))
    if len(evenements) != len(dates):
        raise ValueError(f"Historique de démonstration incohérent : {probleme.key}")
    transmis_le = resolu_le = clos_le = None
    for evenement, date in zip(evenements, dates, strict=True):
        type(evenement).objects.filter(pk=evenement.pk).update(date=date)
        if evenement.etat_apres == E.TRANSMIS and transmis_le is None:
            transmis_le = date
        if evenement.code == "resoudre":
            resolu_le = date
        if evenement.etat_apres in ETATS_CLOS and evenement.etat_avant not in ETATS_CLOS:
            clos_le = date
    signalement.refresh_from_db()
    Signalement.objects.filter(pk=signalement.pk).update(
        transmis_le=transmis_le,
        resolu_le=resolu_le if signalement.etat == E.RESOLU else None,
        clos_le=clos_le if signalement.etat in ETATS_CLOS else None,
    )


def _load_diagnostics(report, diagnostics, quartiers, orgs, users):
    loaded = {}
    for (contrat, nom, jour), demo in diagnostics.items():
        diagnostic = _upsert(
            report,
            Diagnostic,
            {"quartier": quartiers[(contrat, nom)], "date": jour},
            secteur=demo.secteur,
            nb_habitants=demo.nb_habitants,
            compte_rendu=demo.compte_rendu,
            cree_par=users[RoleCode.COORDINATEUR_GUP],
            cree_le=_at(jour, 18),
        )
        diagnostic.participants.set([orgs[key] for key in demo.participants])
        loaded[(nom, jour)] = diagnostic
    return loaded


def _load_signalements(report, problemes, quartiers, categories, diagnostics, orgs, users):
    signalements = {}
    for probleme in problemes:
        contrat = int(probleme.key.split(":")[0])
        quartier = quartiers[(contrat, probleme.quartier)]
        latitude, longitude = _coordonnees(quartier, probleme.position)
        habitant = probleme.source == SourceSignalement.HABITANT
        signalement, created = services.signalement_create(
            quartier=quartier,
            categorie=categories[contrat][probleme.categorie],
            description=probleme.description,
            source=probleme.source,
            auteur=None if habitant else users[RoleCode.COORDINATEUR_GUP],
            adresse=probleme.adresse,
            latitude=latitude,
            longitude=longitude,
            diagnostic=diagnostics.get(probleme.diagnostic),
            organisation_responsable=orgs[probleme.organisation] if probleme.organisation else None,
            priorite=probleme.priorite,
            signale_le=probleme.signale,
            email_signalant=probleme.email,
            client_uuid=uuid.uuid5(UUID_NAMESPACE, probleme.key),
        )
        if created:
            _walk(signalement, probleme, users, orgs, signalements)
        report.count(Signalement, created)
        signalements[probleme.key] = signalement
    return signalements


def _load_tfpb(report, contrats, quartiers, orgs, diagnostics):
    axes = {axe.code: axe for axe in AxeTFPB.objects.filter(version="2015 (avenant 2021)")}
    for annee_contrat, abattements in ((2015, abattements_2015()), (2024, abattements_2024())):
        contrat = contrats[annee_contrat]
        debut, fin, signature = CONVENTIONS[annee_contrat]
        conventions = {}
        for bailleur in BAILLEURS:
            convention = _upsert(
                report,
                ConventionTFPB,
                {"contrat": contrat, "bailleur": orgs[bailleur], "annee_debut": debut},
                annee_fin=fin,
                date_signature=signature,
                commentaire="Convention d'utilisation de l'abattement signée avec l'État, "
                "Carcassonne Agglo et la Ville de Carcassonne.",
            )
            conventions[bailleur] = convention
            for nom, logements in PATRIMOINE[bailleur].items():
                _upsert(
                    report,
                    PatrimoineTFPB,
                    {"convention": convention, "quartier": quartiers[(annee_contrat, nom)]},
                    nb_logements=logements,
                )
        for (bailleur, nom, annee), montant in abattements.items():
            _upsert(
                report,
                AbattementTFPB,
                {
                    "convention": conventions[bailleur],
                    "quartier": quartiers[(annee_contrat, nom)],
                    "annee": annee,
                },
                montant=Decimal(montant),
            )
        for (bailleur, nom, annee, axe), values in actions_tfpb(abattements):
            diagnostic = None
            if axe == "6":
                diagnostic = next(
                    (d for (q, jour), d in diagnostics.items() if q == nom and jour.year == annee),
                    None,
                )
            _upsert(
                report,
                ActionTFPB,
                {
                    "convention": conventions[bailleur],
                    "quartier": quartiers[(annee_contrat, nom)],
                    "annee": annee,
                    "axe": axes[axe],
                    "intitule": values["intitule"],
                },
                description="",
                residence=values["residence"],
                montant_prevu=values["montant_prevu"],
                montant_realise=values["montant_realise"],
                cofinancement=values["cofinancement"],
                diagnostic=diagnostic,
            )


def _load_chantiers(report, quartiers, orgs, diagnostics, signalements):
    regie = orgs["regie"]
    for demo in chantiers():
        quartier = quartiers[(2015, demo["quartier"])]
        diagnostic = next(
            (
                d
                for (q, jour), d in diagnostics.items()
                if q == demo["quartier"] and jour.year == demo["annee"]
            ),
            None,
        )
        values = {k: v for k, v in demo.items() if k not in ("annee", "quartier", "intitule")}
        financements = values.pop("financements")
        chantier = _upsert(
            report,
            ChantierTremplin,
            {"quartier": quartier, "annee": demo["annee"], "intitule": demo["intitule"]},
            operateur=regie,
            diagnostic=diagnostic,
            commentaire="Chantier porté par la régie de quartier, encadrant technique et "
            "accompagnement socioprofessionnel.",
            **values,
        )
        lies = []
        if diagnostic is not None:
            lies = [
                s
                for s in signalements.values()
                if s.diagnostic_id == diagnostic.pk
                and s.categorie.code
                in ("proprete", "mobilier", "espaces_verts", "parties_communes")
            ][:2]
        chantier.signalements.set(lies)
        for key, montant in financements.items():
            _upsert(
                report,
                FinancementChantier,
                {"chantier": chantier, "financeur": orgs[key]},
                montant=montant,
            )


def load(report, contrat_2015, contrat_2024, orgs, users):
    """Load (or refresh) the GUP of both contracts: categories, diagnostics and problems,
    TFPB, chantiers tremplin. `orgs` by demo key, `users` by role."""
    contrats = {2015: contrat_2015, 2024: contrat_2024}
    quartiers = {
        (annee, q.nom): q
        for annee, contrat in contrats.items()
        for q in Quartier.objects.filter(contrat=contrat)
    }
    categories = {annee: _load_categories(report, c, orgs) for annee, c in contrats.items()}
    labels = {code: libelle for code, libelle, _ in CATEGORIES_PAR_DEFAUT}
    diagnostics_demo, problemes = plan(labels)
    diagnostics = _load_diagnostics(report, diagnostics_demo, quartiers, orgs, users)
    signalements = _load_signalements(
        report, problemes, quartiers, categories, diagnostics, orgs, users
    )
    _load_tfpb(report, contrats, quartiers, orgs, diagnostics)
    _load_chantiers(report, quartiers, orgs, diagnostics, signalements)
