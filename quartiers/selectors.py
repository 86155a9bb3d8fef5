"""Reads that compute the quartiers' figures: a quartier's values by vintage beside its
references (commune, EPCI…), the gap in points and how it moved (docs/quartiers.md).

A secret or missing value never counts as 0: every gap or trend that needs it is None,
shown as "non calculable". The portraits, the gaps table, the API and the exports all read
their numbers here.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from quartiers.enums import Sens, Tendance, TerritoireKind, Unite
from quartiers.models import Indicateur, Territoire, ValeurIndicateur

# The references a quartier is compared with by default: its commune and its EPCI.
REFERENCES = (TerritoireKind.COMMUNE, TerritoireKind.EPCI)
# National references found by their fixed code rather than among the ancestors.
NATIONALES = {TerritoireKind.FRANCE: "FR", TerritoireKind.QPV_FRANCE: "QPV"}
# A gap that moved by no more than this is stable: half a point for a percentage, 1 % of
# the reference value for other units.
SEUIL_POINTS = Decimal("0.5")
SEUIL_RELATIF = Decimal("0.01")


@dataclass(frozen=True)
class Valeur:
    """One value of a territory: `valeur` is None when secret."""

    territoire: Territoire
    millesime: int
    valeur: Decimal | None
    secret: bool
    source: str = ""

    @property
    def calculable(self):
        return self.valeur is not None


def _nombre(value):
    if isinstance(value, Valeur):
        return value.valeur
    return value


def ecart(valeur_quartier, valeur_reference):
    """The gap quartier − reference, in the indicator's unit (points for a percentage), or
    None ("non calculable") when either value is missing or secret. Accepts Decimals,
    Valeurs or None."""
    quartier, reference = _nombre(valeur_quartier), _nombre(valeur_reference)
    if quartier is None or reference is None:
        return None
    return quartier - reference


def retard(ecart_, sens):
    """How far the quartier lags behind its reference: the gap oriented so that a positive
    number is unfavourable (sens BAISSE: above is worse; HAUSSE: below is worse); for a
    neutral indicator, the distance whatever its direction."""
    if ecart_ is None:
        return None
    if sens == Sens.BAISSE:
        return ecart_
    if sens == Sens.HAUSSE:
        return -ecart_
    return abs(ecart_)


def tendance(ecart_debut, ecart_fin, *, sens, unite, reference=None):
    """How the gap moved from an earlier vintage to a later one: REDUIT when the quartier's
    lag shrank, CREUSE when it grew, STABLE within the threshold (half a point for a
    percentage; else 1 % of `reference`, the later reference value), NON_CALCULABLE when
    either gap is."""
    debut, fin = retard(ecart_debut, sens), retard(ecart_fin, sens)
    if debut is None or fin is None:
        return Tendance.NON_CALCULABLE
    if unite == Unite.POURCENTAGE:
        seuil = SEUIL_POINTS
    else:
        seuil = abs(_nombre(reference) or 0) * SEUIL_RELATIF
    variation = fin - debut
    if abs(variation) <= seuil:
        return Tendance.STABLE
    return Tendance.CREUSE if variation > 0 else Tendance.REDUIT


@dataclass
class Ligne:
    """One vintage of the quartier: its value (None: no row), the references' values and
    the gaps, keyed by the reference's kind."""

    millesime: int
    valeur: Valeur | None
    references: dict = field(default_factory=dict)
    ecarts: dict = field(default_factory=dict)
    # True when the value is that of the quartier of the earlier geography it replaces.
    geographie_precedente: bool = False


@dataclass
class Comparaison:
    """An indicator for a quartier: its vintages (oldest first), its references and, per
    reference kind, the trend of the gap from the first vintage to the last."""

    quartier: object
    indicateur: Indicateur
    references: dict
    lignes: list
    tendances: dict

    @property
    def derniere(self):
        return self.lignes[-1] if self.lignes else None

    @property
    def precedente(self):
        return self.lignes[-2] if len(self.lignes) > 1 else None


def references_du_quartier(quartier, kinds=REFERENCES, territoires=None):
    """{kind: Territoire} of the quartier's references: the ancestors of its territory (or,
    without one, of the earlier quartier it replaces), and the national references."""
    territoires = quartier.territoires_historiques() if territoires is None else territoires
    found = {}
    for territoire in territoires:
        ancestors = territoire.ancetres()
        if ancestors:
            found = {t.kind: t for t in reversed(ancestors)}
            break
    nationales = [kind for kind in kinds if kind in NATIONALES and kind not in found]
    if nationales:
        extra = Territoire.objects.filter(  # unscoped: national reference territories
            kind__in=nationales, code__in=[NATIONALES[k] for k in nationales]
        )
        found.update({t.kind: t for t in extra if t.code == NATIONALES[t.kind]})
    return {kind: found[kind] for kind in kinds if kind in found}


def comparaisons(*, quartier, indicateurs, kinds=REFERENCES):
    """{indicateur.code: Comparaison} for `quartier` (already scoped by the caller) and each
    of `indicateurs`, read in one query of values."""
    indicateurs = list(indicateurs)
    territoires = quartier.territoires_historiques()
    references = references_du_quartier(quartier, kinds, territoires)
    rang = {t.pk: index for index, t in enumerate(territoires)}
    propres, refs = {}, {}
    by_pk = {t.pk: t for t in territoires} | {t.pk: t for t in references.values()}
    rows = ValeurIndicateur.objects.filter(  # unscoped: the caller scoped the quartier
        indicateur__in=indicateurs, territoire__in=list(by_pk)
    ).values_list("indicateur_id", "territoire_id", "millesime", "valeur", "secret", "source")
    for indicateur_id, territoire_id, millesime, valeur, secret, source in rows:
        value = Valeur(by_pk[territoire_id], millesime, valeur, secret, source)
        if territoire_id in rang:
            key = (indicateur_id, millesime)
            # The quartier's own territory wins over the earlier geography's.
            if key not in propres or rang[territoire_id] < rang[propres[key].territoire.pk]:
                propres[key] = value
        else:
            refs[(indicateur_id, territoire_id, millesime)] = value
    own = territoires[0] if territoires and quartier.territoire_id else None
    result = {}
    for indicateur in indicateurs:
        millesimes = sorted(m for (i, m) in propres if i == indicateur.pk)
        lignes = []
        for millesime in millesimes:
            value = propres[(indicateur.pk, millesime)]
            ligne = Ligne(millesime, value, geographie_precedente=value.territoire != own)
            for kind, territoire in references.items():
                reference = refs.get((indicateur.pk, territoire.pk, millesime))
                ligne.references[kind] = reference
                ligne.ecarts[kind] = ecart(value, reference)
            lignes.append(ligne)
        tendances = {}
        for kind in references:
            if len(lignes) < 2:
                tendances[kind] = Tendance.NON_CALCULABLE
                continue
            tendances[kind] = tendance(
                lignes[0].ecarts[kind],
                lignes[-1].ecarts[kind],
                sens=indicateur.sens,
                unite=indicateur.unite,
                reference=lignes[-1].references[kind],
            )
        result[indicateur.code] = Comparaison(quartier, indicateur, references, lignes, tendances)
    return result


def comparaison(*, quartier, indicateur, kinds=REFERENCES):
    """The Comparaison of one indicator for one quartier (see comparaisons())."""
    return comparaisons(quartier=quartier, indicateurs=[indicateur], kinds=kinds)[indicateur.code]
