"""The gaps table: every quartier of a contract against one reference (its commune or its
EPCI), indicator by indicator — the latest value, the reference's value of the same vintage,
the gap and how it moved since the first vintage (docs/quartiers.md, "Gaps table").

The page, its Excel export and the API read it here; the gap and the trend are those of
quartiers.selectors, so the portraits and this table never disagree. A constant number of
queries whatever the number of quartiers and indicators.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch

from cdv.formats import nombre
from quartiers.enums import Tendance, TerritoireKind, Theme, Unite
from quartiers.models import Indicateur, Quartier, ValeurIndicateur
from quartiers.selectors import ecart, retard, tendance

# The references a quartier can be compared with here: {kind: label}.
REFERENCES = {
    TerritoireKind.COMMUNE: "la commune du quartier",
    TerritoireKind.EPCI: "l'agglomération (EPCI)",
}
# Enough parents loaded with the quartier's territory to reach its commune and its EPCI.
ANCETRES = "territoire__parent__parent__parent"
ORDRE_THEMES = {value: index for index, value in enumerate(Theme.values)}
ORDRE_TENDANCES = {
    Tendance.REDUIT: 0,
    Tendance.STABLE: 1,
    Tendance.CREUSE: 2,
    Tendance.NON_CALCULABLE: 3,
}
MANQUANT = "—"
SECRET = "s"


# French numbers ---------------------------------------------------------------------------


def avec_unite(value, unite):
    """A value with its unit: "39 %", "13 656 €", "1 234"."""
    if value is None:
        return ""
    suffix = {Unite.POURCENTAGE: "\u00a0%", Unite.EUROS: "\u00a0€"}.get(unite, "")
    return f"{nombre(value)}{suffix}"


def ecart_avec_unite(value, unite):
    """A gap, signed, in points for a percentage: "+34 pts", "−1 140 €"."""
    if value is None:
        return ""
    sign = "+" if value > 0 else ("−" if value < 0 else "")
    suffix = {Unite.POURCENTAGE: "\u00a0pts", Unite.EUROS: "\u00a0€"}.get(unite, "")
    return f"{sign}{nombre(abs(value))}{suffix}"


# The table -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LigneEcart:
    """A quartier and an indicator: its latest vintage (None: no value at all), its value
    (None when secret or missing), the reference's value of that vintage, the gap, the lag
    (the gap oriented so that positive is unfavourable) and the trend since the first
    vintage."""

    quartier: Quartier
    indicateur: Indicateur
    millesime: int | None
    valeur: Decimal | None
    secret: bool
    reference: Decimal | None
    reference_secret: bool
    ecart: Decimal | None
    retard: Decimal | None
    premier_millesime: int | None
    tendance: str
    geographie_precedente: bool = False

    @property
    def manquant(self):
        return self.millesime is None

    @property
    def valeur_texte(self):
        if self.secret:
            return SECRET
        if self.valeur is None:
            return MANQUANT
        return avec_unite(self.valeur, self.indicateur.unite)

    @property
    def reference_texte(self):
        if self.reference_secret:
            return SECRET
        if self.reference is None:
            return MANQUANT
        return avec_unite(self.reference, self.indicateur.unite)

    @property
    def ecart_texte(self):
        return ecart_avec_unite(self.ecart, self.indicateur.unite) or "non calculable"

    @property
    def tendance_libelle(self):
        return Tendance(self.tendance).label


@dataclass(frozen=True)
class TableauEcarts:
    reference: str  # TerritoireKind.COMMUNE or EPCI
    quartiers: list
    indicateurs: list  # those of which some quartier has a value, in the catalogue's order
    lignes: list  # LigneEcart, by theme, indicator, then quartier

    @property
    def reference_libelle(self):
        return REFERENCES[self.reference]


# How many geographies back the table follows a quartier's history (2015 → 2024 → …).
PROFONDEUR_HISTOIRE = 3


def _territoires(quartier):
    """The quartier's territories telling its history, as Quartier.historique() (own first,
    then while a quartier replaces exactly one, that one's), up to PROFONDEUR_HISTOIRE
    earlier geographies — from the prefetched rows."""
    chaine = [quartier]
    while len(chaine) <= PROFONDEUR_HISTOIRE:
        precedents = list(chaine[-1].remplace.all())
        if len(precedents) != 1 or precedents[0] in chaine:
            break
        chaine.append(precedents[0])
    return [q.territoire for q in chaine if q.territoire_id]


def _reference(territoires, kind):
    """The ancestor of `kind` of the first territory that has ancestors (as
    selectors.references_du_quartier), among the parents loaded with it."""
    for territoire in territoires:
        if not territoire.parent_id:
            continue
        current = territoire
        for _ in range(3):  # the depth of ANCETRES below the territory
            if not current.parent_id:
                break
            current = current.parent
            if current.kind == kind:
                return current
        return None
    return None


def tableau_ecarts(*, contrat, user, reference=TerritoireKind.COMMUNE, indicateurs=None):
    """The gaps of every quartier of `contrat` (those `user` sees) against `reference`
    (commune or EPCI), for `indicateurs` (codes, or Indicateur objects; default: the whole
    catalogue), keeping the indicators of which some quartier has a value or a secret.

    At most six queries: the quartiers with their territories and ancestors, the quartiers
    they replace (one query per earlier geography that exists), the catalogue, the values.
    """
    if reference not in REFERENCES:
        raise ValueError(f"Référence inconnue : {reference}")
    quartiers = list(
        Quartier.objects.for_user(user)
        .filter(contrat=contrat)
        .select_related(ANCETRES)
        .prefetch_related(
            # Unscoped: the earlier quartiers are reached through a scoped one.
            *(
                Prefetch("__".join(["remplace"] * n), Quartier.objects.select_related(ANCETRES))
                for n in range(1, PROFONDEUR_HISTOIRE + 1)
            )
        )
        .order_by("nom", "pk")
    )
    catalogue = Indicateur.objects.for_user(user)
    if indicateurs is not None:
        codes = [getattr(i, "code", i) for i in indicateurs]
        catalogue = catalogue.filter(code__in=codes)
    catalogue = list(catalogue)
    historiques = {q.pk: _territoires(q) for q in quartiers}
    references = {q.pk: _reference(historiques[q.pk], reference) for q in quartiers}
    territoire_ids = {t.pk for ts in historiques.values() for t in ts}
    territoire_ids |= {t.pk for t in references.values() if t is not None}
    rows = ValeurIndicateur.objects.filter(  # unscoped: the quartiers were scoped above
        indicateur__in=catalogue, territoire__in=territoire_ids
    ).values_list("indicateur_id", "territoire_id", "millesime", "valeur", "secret")
    values = {}  # (indicateur_id, territoire_id) → {millesime: (valeur, secret)}
    for i, t, m, v, s in rows:
        values.setdefault((i, t), {})[m] = (v, s)

    by_indicateur = {}
    for indicateur in catalogue:
        lignes = [
            _ligne(q, indicateur, historiques[q.pk], references[q.pk], values) for q in quartiers
        ]
        if any(not ligne.manquant for ligne in lignes):
            by_indicateur[indicateur] = lignes
    gardes = sorted(by_indicateur, key=lambda i: (ORDRE_THEMES.get(i.theme, 99), i.ordre, i.code))
    return TableauEcarts(
        reference=reference,
        quartiers=quartiers,
        indicateurs=gardes,
        lignes=[ligne for indicateur in gardes for ligne in by_indicateur[indicateur]],
    )


def _ligne(quartier, indicateur, territoires, territoire_reference, values):
    """The LigneEcart of one quartier and one indicator, from the values read at once."""
    own = territoires[0] if territoires and quartier.territoire_id else None
    propres = {}  # millesime → (valeur, secret, territoire); own territory first
    for territoire in reversed(territoires):
        for m, (v, s) in values.get((indicateur.pk, territoire.pk), {}).items():
            propres[m] = (v, s, territoire)
    vide = {"valeur": None, "secret": False, "reference": None, "reference_secret": False}
    if not propres:
        return LigneEcart(
            quartier=quartier,
            indicateur=indicateur,
            millesime=None,
            ecart=None,
            retard=None,
            premier_millesime=None,
            tendance=Tendance.NON_CALCULABLE,
            **vide,
        )

    def reference_de(millesime):
        if territoire_reference is None:
            return None, False
        serie = values.get((indicateur.pk, territoire_reference.pk), {})
        return serie.get(millesime, (None, False))

    premier, dernier = min(propres), max(propres)
    valeur, secret, territoire = propres[dernier]
    ref, ref_secret = reference_de(dernier)
    gap = ecart(valeur, ref)
    trend = Tendance.NON_CALCULABLE
    if premier != dernier:
        trend = tendance(
            ecart(propres[premier][0], reference_de(premier)[0]),
            gap,
            sens=indicateur.sens,
            unite=indicateur.unite,
            reference=ref,
        )
    return LigneEcart(
        quartier=quartier,
        indicateur=indicateur,
        millesime=dernier,
        valeur=valeur,
        secret=secret,
        reference=ref,
        reference_secret=ref_secret,
        ecart=gap,
        retard=retard(gap, indicateur.sens),
        premier_millesime=premier,
        tendance=trend,
        geographie_precedente=territoire != own,
    )


# Sorting ---------------------------------------------------------------------------------


def _cle_indicateur(ligne):
    i = ligne.indicateur
    return (ORDRE_THEMES.get(i.theme, 99), i.ordre, i.code, ligne.quartier.nom)


# ?tri= whitelist: code → (header, key); rows without a key (None) always come last.
TRIS = {
    "indicateur": ("Indicateur", _cle_indicateur),
    "quartier": ("Quartier", lambda ligne: (ligne.quartier.nom, _cle_indicateur(ligne))),
    "millesime": ("Millésime", lambda ligne: ligne.millesime),
    "valeur": ("Valeur du quartier", lambda ligne: ligne.valeur),
    "reference": ("Valeur de référence", lambda ligne: ligne.reference),
    "ecart": ("Écart", lambda ligne: ligne.ecart),
    "retard": ("Sens de l'écart", lambda ligne: ligne.retard),
    "tendance": ("Évolution de l'écart", lambda ligne: ORDRE_TENDANCES[ligne.tendance]),
}
TRI_PAR_DEFAUT = "indicateur"


def tri_valide(tri):
    """`tri` if it is one of TRIS (with an optional leading "-"), else the default."""
    return tri if tri and tri.lstrip("-") in TRIS else TRI_PAR_DEFAUT


def trier(lignes, tri):
    """The rows sorted by `tri` ("-" first: descending); rows lacking the key come last,
    ties in the default order."""
    tri = tri_valide(tri)
    desc, key = tri.startswith("-"), TRIS[tri.lstrip("-")][1]
    lignes = sorted(lignes, key=_cle_indicateur)
    avec = [ligne for ligne in lignes if key(ligne) is not None]
    sans = [ligne for ligne in lignes if key(ligne) is None]
    return sorted(avec, key=key, reverse=desc) + sans
