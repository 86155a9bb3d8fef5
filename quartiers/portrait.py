"""The portrait of a quartier: each indicator it has figures for, beside its commune's and
its EPCI's, with its previous vintage, the gap and how the gap moved (docs/quartiers.md).

The page, the workbook and the API all read `portrait()`. Numbers come from
quartiers.selectors.comparaisons(): a secret is shown as "s" and a missing value as "—",
never as 0, and every gap that needs one is None ("non calculable").
"""

from dataclasses import dataclass, field
from decimal import Decimal

from cdv.formats import nombre, pourcentage
from quartiers.enums import Tendance, Theme, Unite
from quartiers.models import Indicateur
from quartiers.selectors import REFERENCES, comparaisons

SECRET = "s"
MANQUANT = "—"
# Indicators drawn as the age structure's bar chart (the demo's catalogue codes).
PREFIXE_AGES = "age_"
ICONES = {
    Tendance.REDUIT: "↘",
    Tendance.CREUSE: "↗",
    Tendance.STABLE: "→",
    Tendance.NON_CALCULABLE: "?",
}


def texte(valeur, unite, *, secret=False):
    """A figure as the portrait shows it: "s" when secret, "—" when missing."""
    if secret:
        return SECRET
    if valeur is None:
        return MANQUANT
    if unite == Unite.POURCENTAGE:
        return pourcentage(valeur)
    if unite == Unite.EUROS:
        return f"{nombre(valeur)}\u00a0€"
    return nombre(valeur)


def texte_ecart(ecart, unite):
    """A gap with its sign, in points for a percentage; "non calculable" when unknown."""
    if ecart is None:
        return "non calculable"
    signe = "+" if ecart > 0 else ("−" if ecart < 0 else "")
    chiffre = nombre(abs(ecart))
    if unite == Unite.POURCENTAGE:
        return f"{signe}{chiffre}\u00a0pt" + ("s" if abs(ecart) >= 2 else "")
    if unite == Unite.EUROS:
        return f"{signe}{chiffre}\u00a0€"
    return f"{signe}{chiffre}"


@dataclass(frozen=True)
class Mesure:
    """One figure: `valeur` None when secret or missing."""

    valeur: Decimal | None
    secret: bool
    millesime: int | None
    texte: str

    @classmethod
    def of(cls, valeur, millesime, unite):
        """From a selectors.Valeur (or None: no row)."""
        if valeur is None:
            return cls(None, False, millesime, MANQUANT)
        shown = texte(valeur.valeur, unite, secret=valeur.secret)
        return cls(valeur.valeur, valeur.secret, millesime, shown)


@dataclass(frozen=True)
class Ecart:
    """The gap to a reference at the latest vintage and the trend since the first one."""

    valeur: Decimal | None
    texte: str
    tendance: str
    tendance_texte: str
    icone: str


@dataclass
class LignePortrait:
    """An indicator of the portrait. `references` and `ecarts` are keyed by the reference's
    kind ("commune", "epci"); `serie` lists every vintage, oldest first."""

    indicateur: Indicateur
    valeur: Mesure
    precedente: Mesure
    references: dict
    ecarts: dict
    serie: list = field(default_factory=list)
    geographie_precedente: bool = False
    # [{"territoire", "valeur": Mesure, "ecart": Ecart}] in the order of the references.
    colonnes: list = field(default_factory=list)

    @property
    def plusieurs_millesimes(self):
        return len(self.serie) > 1


@dataclass
class ThemePortrait:
    code: str
    libelle: str
    lignes: list


@dataclass
class Portrait:
    quartier: object
    territoire: object
    # {kind: Territoire} of the references found (commune, EPCI).
    references: dict
    themes: list
    lignes: dict

    @property
    def lignes_liste(self):
        return list(self.lignes.values())

    @property
    def ages(self):
        """The age structure's indicators, in catalogue order."""
        return [ligne for code, ligne in self.lignes.items() if code.startswith(PREFIXE_AGES)]

    @property
    def evolutions(self):
        """The indicators with several vintages, for the evolutions chart."""
        return [ligne for ligne in self.lignes.values() if ligne.plusieurs_millesimes]

    def graphiques(self):
        """The charts' figures, for json_script: numbers only (secret or missing → null)."""
        kinds = list(self.references)

        def nombre_ou_rien(mesure):
            return None if mesure.valeur is None else float(mesure.valeur)

        ages = self.ages
        data = {
            "ages": {
                "labels": [ligne.indicateur.libelle for ligne in ages],
                "series": [
                    {
                        "label": self.quartier.nom,
                        "data": [nombre_ou_rien(ligne.valeur) for ligne in ages],
                    }
                ]
                + [
                    {
                        "label": self.references[kind].nom,
                        "data": [nombre_ou_rien(ligne.references[kind]) for ligne in ages],
                    }
                    for kind in kinds
                ],
            },
            "evolutions": [],
        }
        for ligne in self.evolutions:
            data["evolutions"].append(
                {
                    "id": ligne.indicateur.code,
                    "titre": ligne.indicateur.libelle,
                    "unite": ligne.indicateur.unite,
                    "labels": [str(point["millesime"]) for point in ligne.serie],
                    "series": [
                        {
                            "label": self.quartier.nom,
                            "data": [nombre_ou_rien(p["valeur"]) for p in ligne.serie],
                        }
                    ]
                    + [
                        {
                            "label": self.references[kind].nom,
                            "data": [nombre_ou_rien(p["references"][kind]) for p in ligne.serie],
                        }
                        for kind in kinds
                    ],
                }
            )
        return data


def _ligne(comparaison, kinds):
    indicateur = comparaison.indicateur
    unite = indicateur.unite
    derniere, precedente = comparaison.derniere, comparaison.precedente
    references, ecarts = {}, {}
    for kind in kinds:
        references[kind] = Mesure.of(derniere.references.get(kind), derniere.millesime, unite)
        valeur = derniere.ecarts.get(kind)
        tendance = Tendance(comparaison.tendances.get(kind, Tendance.NON_CALCULABLE))
        ecarts[kind] = Ecart(
            valeur, texte_ecart(valeur, unite), tendance.value, tendance.label, ICONES[tendance]
        )
    serie = [
        {
            "millesime": ligne.millesime,
            "valeur": Mesure.of(ligne.valeur, ligne.millesime, unite),
            "references": {
                kind: Mesure.of(ligne.references.get(kind), ligne.millesime, unite)
                for kind in kinds
            },
        }
        for ligne in comparaison.lignes
    ]
    return LignePortrait(
        indicateur=indicateur,
        valeur=Mesure.of(derniere.valeur, derniere.millesime, unite),
        precedente=(
            Mesure.of(precedente.valeur, precedente.millesime, unite)
            if precedente
            else Mesure(None, False, None, MANQUANT)
        ),
        references=references,
        ecarts=ecarts,
        serie=serie,
        geographie_precedente=derniere.geographie_precedente,
    )


def portrait(*, quartier, user):
    """The portrait of `quartier` (scoped by the caller: Quartier.objects.for_user() then
    get_object_or_404): every indicator of the catalogue the quartier has a figure for,
    grouped by theme in catalogue order, beside its commune and its EPCI.

    Queries do not grow with the indicators or the values: the catalogue, the quartier's
    history (remplace), its references (one per missing ancestor) and one of values."""
    indicateurs = list(Indicateur.objects.for_user(user).order_by("ordre", "code"))
    found = comparaisons(quartier=quartier, indicateurs=indicateurs, kinds=REFERENCES)
    # Every Comparaison carries the same references (those the quartier has).
    found_references = next(iter(found.values())).references if found else {}
    kinds = [kind for kind in REFERENCES if kind in found_references]
    lignes = {code: _ligne(c, kinds) for code, c in found.items() if c.lignes}
    themes = {}
    for ligne in lignes.values():
        theme = ligne.indicateur.theme
        if theme not in themes:
            themes[theme] = ThemePortrait(theme, Theme(theme).label, [])
        themes[theme].lignes.append(ligne)
    references = {kind: found_references[kind] for kind in kinds}
    for ligne in lignes.values():
        ligne.colonnes = [
            {"territoire": t, "valeur": ligne.references[k], "ecart": ligne.ecarts[k]}
            for k, t in references.items()
        ]
        for point in ligne.serie:
            point["colonnes"] = [point["references"][k] for k in references]
    return Portrait(
        quartier=quartier,
        territoire=quartier.territoire,
        references=references,
        themes=list(themes.values()),
        lignes=lignes,
    )
