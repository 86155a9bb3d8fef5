"""The "long" layout of the programming history: one row per (action, funding line).

The same columns serve the downloadable template, the import and the export, so that an
export re-imports to the same data. docs/import.md describes them for developers; the
template's "Mode d'emploi" sheet for users.
"""

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from programmation.enums import EtatAction, NatureFinancement

PROGRAMMATION = "Programmation"
MODE_EMPLOI = "Mode d'emploi"
LISTES = "Listes"

# The conventional dates of the history's conventions and payments (the layout has none).
CONVENTION_JOUR = (6, 30)
VERSEMENT_JOUR = (12, 15)
# Payments written by the import carry this reference, followed by the nature's label: the
# export then gives each funding line of a funder its own paid amount.
REFERENCE_VERSEMENT = "Reprise de l'historique"
TITRE_APPEL = "Programmation {annee} — historique importé"

OUI = "oui"
NON = "non"


@dataclass(frozen=True)
class Colonne:
    key: str
    titre: str
    obligatoire: str
    aide: str
    exemple: str


COLONNES = [
    Colonne(
        "annee",
        "Année",
        "oui",
        "Année de programmation de l'action, comprise dans la période du contrat.",
        "2019",
    ),
    Colonne(
        "porteur_siret",
        "SIRET du porteur",
        "oui",
        "SIRET à 14 chiffres de l'organisation qui porte l'action. Un porteur inconnu de la "
        "plateforme est créé (comme association) à partir de ce SIRET et du nom.",
        "77567227200017",
    ),
    Colonne(
        "porteur_nom",
        "Nom du porteur",
        "si le porteur est inconnu",
        "Nom de l'organisation porteuse ; sert seulement à créer un porteur inconnu.",
        "Centre social La Conte – Ozanam",
    ),
    Colonne(
        "intitule",
        "Intitulé de l'action",
        "oui",
        "Titre de l'action. L'année, le SIRET du porteur et l'intitulé identifient l'action : "
        "une action déjà présente est mise à jour, jamais dupliquée.",
        "Accompagnement à la scolarité",
    ),
    Colonne(
        "pilier",
        "Pilier",
        "non",
        "Nom d'un pilier du contrat (voir plus bas). Vide : action sans pilier.",
        "Cohésion sociale",
    ),
    Colonne(
        "quartiers",
        "Quartiers",
        "non",
        "Quartiers de l'action et leur part en %, sous la forme CODE:part séparés par des "
        "points-virgules ; les parts font 100 au total. Un quartier sans code (QVA) se désigne "
        "par son nom. Vide : action non ventilée entre quartiers.",
        "QP011002:60;QP011004:40",
    ),
    Colonne(
        "reconduction",
        "Reconduction",
        "non",
        "« oui » si l'action reconduit celle du même porteur et du même intitulé l'année "
        "précédente (le lien est fait quand elle existe), « non » sinon. Vide : non.",
        "oui",
    ),
    Colonne(
        "etat",
        "État",
        "oui",
        "État final de l'action, tel qu'il s'affiche dans la plateforme (liste déroulante).",
        EtatAction.SOLDEE.label,
    ),
    Colonne(
        "financeur_siret",
        "SIRET du financeur",
        "si un financeur est indiqué",
        "SIRET de l'organisation qui finance. Vide : le nom du financeur est utilisé, s'il "
        "désigne une seule organisation. Laissez les colonnes du financeur vides pour une "
        "action sans financement.",
        "13000521800016",
    ),
    Colonne(
        "financeur_nom",
        "Nom du financeur",
        "si le SIRET est vide",
        "Nom exact de l'organisation qui finance, utilisé quand le SIRET est vide.",
        "Préfecture de l'Aude",
    ),
    Colonne(
        "nature",
        "Nature du financement",
        "si un financeur est indiqué",
        f"« {NatureFinancement.SPECIFIQUE.label} » ou « {NatureFinancement.DROIT_COMMUN.label} ».",
        NatureFinancement.SPECIFIQUE.label,
    ),
    Colonne(
        "montant_demande",
        "Montant demandé",
        "si un financeur est indiqué",
        "En euros, au plus deux décimales (1234,56).",
        "12000",
    ),
    Colonne(
        "montant_accorde",
        "Montant accordé",
        "non",
        "En euros ; pas plus que le montant demandé. Vide : rien d'accordé (pas encore "
        "décidé ou refusé).",
        "10000",
    ),
    Colonne(
        "montant_verse",
        "Montant versé",
        "non",
        "En euros ; pas plus que le montant accordé. Un versement « solde » est enregistré "
        "sous la convention du financeur.",
        "10000",
    ),
]
TITRES = {colonne.key: colonne.titre for colonne in COLONNES}
# The columns that describe the action itself: equal on every row of one action.
COLONNES_ACTION = [
    "porteur_nom",
    "pilier",
    "quartiers",
    "reconduction",
    "etat",
]
COLONNES_MONTANT = ["montant_demande", "montant_accorde", "montant_verse"]
COLONNES_SIRET = ["porteur_siret", "financeur_siret"]


def normalize(value):
    """Lower case, without accents and with single spaces: how names and labels compare."""
    text = unicodedata.normalize("NFKD", str(value))
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = text.replace("’", "'").replace("–", "-").replace("—", "-")
    return re.sub(r"\s+", " ", text).strip().casefold()


ETATS = {normalize(label): value for value, label in EtatAction.choices} | {
    normalize(value): value for value in EtatAction.values
}
NATURES = {normalize(label): value for value, label in NatureFinancement.choices} | {
    normalize(value): value for value in NatureFinancement.values
}
BOOLEENS = {
    **dict.fromkeys(["oui", "o", "vrai", "1", "x", "yes", "true"], True),
    **dict.fromkeys(["non", "n", "faux", "0", "no", "false", ""], False),
}
COLONNES_PAR_TITRE = {normalize(colonne.titre): colonne.key for colonne in COLONNES}


def format_part(part):
    """A quartier's share as written in the file: 60 → "60", 33.5 → "33,5"."""
    text = f"{part:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def format_quartiers(parts):
    """[(quartier, part)] → "QP011002:60;L'Aiguille:40", largest share first."""
    ordered = sorted(parts, key=lambda item: (-item[1], designation_quartier(item[0])))
    return ";".join(f"{designation_quartier(q)}:{format_part(part)}" for q, part in ordered)


def designation_quartier(quartier):
    """A quartier is named by its official code, or by its name when it has none (QVA)."""
    return quartier.code or quartier.nom


def reference_versement(nature):
    """The reference of the payment the import records for a funding line of `nature`."""
    return f"{REFERENCE_VERSEMENT} — {NatureFinancement(nature).label}"


def verses_par_nature(versements, natures):
    """What was paid for each of a funder's funding lines, from its convention's payments.

    `natures`: the natures of the funder's lines. A payment the import recorded names its
    line's nature; any other payment (recorded in the application) goes to the first line,
    crédits spécifiques first. The export and the re-import use this same rule."""
    ordre = list(NatureFinancement.values)
    natures = sorted(natures, key=ordre.index)
    verses = {nature: Decimal("0.00") for nature in natures}
    if not natures:
        return verses
    references = {reference_versement(nature): nature for nature in natures}
    for versement in versements:
        nature = references.get(versement.reference, natures[0])
        verses[nature] += versement.montant
    return verses
