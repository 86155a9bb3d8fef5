"""Figures of the GUP's follow-up: the document de suivi, the statistics and the overdue
items. The ONLY place figures about signalements are computed; pages, workbooks, the API
and the weekly digest read them from here.

Definitions (docs/gup-suivi.md says the same):

- processing time (délai de traitement) = resolu_le − signale_le, in days (a decimal number,
  shown with one decimal), only for resolved problems (state "résolu");
- a problem is overdue (en retard) when it is open (ETATS_OUVERTS) and today > echeance;
  its lateness is today − echeance, in days;
- a problem is resolved within target when resolu_le's local date (Europe/Paris) ≤ echeance;
  the share resolved within target is counted among resolved problems having a due date;
- the age of an open problem = today − signale_le's local date, in days;
- median and 90th percentile of processing times use the nearest-rank method: sort the
  N processing times of a group, take the value of rank ⌈p × N⌉ (1-based), i.e. rank
  (N + 1) div 2 for the median and (9 N + 9) div 10 for the 90th percentile. Computed in the
  database with window functions (ROW_NUMBER and COUNT per group), the same on SQLite and
  PostgreSQL.

A missing figure (no resolved problem, no due date) is None, shown "—", never 0.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Window
from django.db.models.functions import ExtractYear, RowNumber
from django.utils import timezone

from cdv.formats import NBSP, pourcentage
from cdv.models import Contrat
from gup.enums import ETATS_OUVERTS, EtatSignalement
from gup.models import Diagnostic, Signalement
from quartiers.models import Quartier

MANQUANT = "—"
DIXIEME = Decimal("0.1")
SECONDES_PAR_JOUR = Decimal(86400)
# The processing time of a resolved problem, computed by the database.
DUREE = ExpressionWrapper(F("resolu_le") - F("signale_le"), output_field=DurationField())
RESOLU = Q(etat=EtatSignalement.RESOLU, resolu_le__isnull=False)
OUVERT = Q(etat__in=ETATS_OUVERTS)


# ---------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------


def en_jours(duree):
    """A timedelta as a number of days, rounded to one decimal (None stays None)."""
    if duree is None:
        return None
    jours = Decimal(str(duree.total_seconds())) / SECONDES_PAR_JOUR
    return jours.quantize(DIXIEME, rounding=ROUND_HALF_UP)


def jours_texte(jours):
    """Decimal("5") → "5,0"; None → "—"."""
    if jours is None:
        return MANQUANT
    return f"{Decimal(jours).quantize(DIXIEME, rounding=ROUND_HALF_UP)}".replace(".", ",")


def part_texte(part):
    """A share (0.75) as "75 %"; None → "—"."""
    if part is None:
        return MANQUANT
    points = (Decimal(part) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return pourcentage(points)


def _part(numerateur, denominateur):
    if not denominateur:
        return None
    return (Decimal(numerateur) / Decimal(denominateur)).quantize(Decimal("0.0001"))


def _today(today):
    return today or timezone.localdate()


# ---------------------------------------------------------------------------------------
# Percentiles in the database (nearest rank), one query per kind of grouping
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quantiles:
    """Median and 90th percentile of the processing times of a group (days, or None)."""

    effectif: int = 0
    mediane: Decimal | None = None
    p90: Decimal | None = None

    @property
    def mediane_texte(self):
        return jours_texte(self.mediane)

    @property
    def p90_texte(self):
        return jours_texte(self.p90)


def quantiles_par(signalements, groupe=None):
    """{group value: Quantiles} of the resolved problems of `signalements`, grouped by the
    field or annotation `groupe` (None: one group, under the key None).

    Nearest-rank method, in one query: each resolved problem gets its rank in its group
    (ROW_NUMBER ordered by processing time, then id) and the group's size (COUNT over the
    group); the database keeps only the rows of rank (N + 1) div 2 (median) and
    (9 N + 9) div 10 (90th percentile) — integer divisions, ⌈N/2⌉ and ⌈9N/10⌉.
    """
    partition = [F(groupe)] if groupe else None
    rows = (
        signalements.filter(RESOLU)
        .annotate(duree=DUREE)
        .annotate(
            rang=Window(
                RowNumber(), partition_by=partition, order_by=[F("duree").asc(), F("pk").asc()]
            ),
            effectif=Window(Count("pk"), partition_by=partition),
        )
        .filter(Q(rang=(F("effectif") + 1) / 2) | Q(rang=(F("effectif") * 9 + 9) / 10))
        .order_by()
        .values_list(*([groupe] if groupe else []), "rang", "effectif", "duree")
    )
    found = defaultdict(dict)
    sizes = {}
    for row in rows:
        key, (rang, effectif, duree) = (row[0] if groupe else None), row[-3:]
        found[key][rang] = en_jours(duree)
        sizes[key] = effectif
    result = {}
    for key, ranks in found.items():
        n = sizes[key]
        result[key] = Quantiles(
            effectif=n, mediane=ranks.get((n + 1) // 2), p90=ranks.get((9 * n + 9) // 10)
        )
    return result


# ---------------------------------------------------------------------------------------
# What a user follows: contracts, quartiers, diagnostics
# ---------------------------------------------------------------------------------------


def contrats_suivis(user):
    """The contracts whose GUP `user` follows: those it works on, and (an intervenant GUP)
    those where problems are assigned to its organisation."""
    return Contrat.objects.filter(
        Q(pk__in=Contrat.objects.for_user(user).values("pk"))
        | Q(pk__in=Signalement.objects.for_user(user).values("quartier__contrat"))
    )


def quartiers_suivis(user, *, contrat=None):
    """The quartiers whose document de suivi `user` opens: those of its contracts, and
    those where it sees a problem."""
    quartiers = Quartier.objects.filter(
        Q(pk__in=Quartier.objects.for_user(user).values("pk"))
        | Q(pk__in=Signalement.objects.for_user(user).values("quartier"))
    ).select_related("contrat")
    if contrat is not None:
        quartiers = quartiers.filter(contrat=contrat)
    return quartiers.order_by("nom", "pk")


def diagnostics_suivis(user, *, contrat=None):
    """The diagnostics en marchant `user` sees (Diagnostic.objects.for_user)."""
    diagnostics = Diagnostic.objects.for_user(user).select_related("quartier__contrat")
    if contrat is not None:
        diagnostics = diagnostics.filter(quartier__contrat=contrat)
    return diagnostics


@dataclass(frozen=True)
class QuartierSuivi:
    quartier: Quartier
    total: int
    ouverts: int
    en_retard: int


def quartiers_avec_comptes(*, user, contrat, today=None):
    """The quartiers `user` follows in `contrat`, each with the number of problems it sees
    there: all, open, overdue. Two queries."""
    today = _today(today)
    comptes = {
        row["quartier_id"]: row
        for row in Signalement.objects.for_user(user)
        .filter(quartier__contrat=contrat)
        .order_by()
        .values("quartier_id")
        .annotate(
            total=Count("pk"),
            ouverts=Count("pk", filter=OUVERT),
            en_retard=Count("pk", filter=en_retard_q(today)),
        )
    }
    vide = {"total": 0, "ouverts": 0, "en_retard": 0}
    return [
        QuartierSuivi(
            quartier=quartier,
            total=comptes.get(quartier.pk, vide)["total"],
            ouverts=comptes.get(quartier.pk, vide)["ouverts"],
            en_retard=comptes.get(quartier.pk, vide)["en_retard"],
        )
        for quartier in quartiers_suivis(user, contrat=contrat)
    ]


# ---------------------------------------------------------------------------------------
# The document de suivi
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LigneSuivi:
    """One problem of the document de suivi, with its figures on `today`."""

    signalement: Signalement
    delai: Decimal | None  # processing time in days (resolved problems)
    age: int | None  # days since the report (open problems)
    en_retard: bool
    jours_retard: int | None

    @property
    def delai_texte(self):
        return jours_texte(self.delai)

    @property
    def duree_texte(self):
        """ "Délai : 4,5 j" for a resolved problem, "Âge : 12 j" for an open one."""
        if self.delai is not None:
            return f"Traité en {jours_texte(self.delai)}{NBSP}j"
        if self.age is not None:
            return f"Ouvert depuis {self.age}{NBSP}j"
        return MANQUANT


@dataclass
class DocumentSuivi:
    """The follow-up list of a quartier (optionally for one year) or of a diagnostic."""

    titre: str
    today: datetime.date
    lignes: list = field(default_factory=list)

    @property
    def nb_ouverts(self):
        return sum(1 for ligne in self.lignes if ligne.signalement.ouvert)

    @property
    def nb_resolus(self):
        return sum(1 for ligne in self.lignes if ligne.delai is not None)

    @property
    def nb_en_retard(self):
        return sum(1 for ligne in self.lignes if ligne.en_retard)


def en_retard_q(today):
    """Overdue (module's definitions): open and `today` past its due date, as a filter."""
    return OUVERT & Q(echeance__lt=today)


def est_en_retard(signalement, today):
    """The same rule for one problem already loaded."""
    return bool(
        signalement.etat in ETATS_OUVERTS and signalement.echeance and today > signalement.echeance
    )


def ligne_suivi(signalement, *, today):
    """The figures of one problem on `today` (see the module's definitions)."""
    delai = age = jours_retard = None
    if signalement.etat == EtatSignalement.RESOLU and signalement.resolu_le:
        delai = en_jours(signalement.resolu_le - signalement.signale_le)
    ouvert = signalement.etat in ETATS_OUVERTS
    if ouvert:
        age = (today - timezone.localdate(signalement.signale_le)).days
    en_retard = est_en_retard(signalement, today)
    if en_retard:
        jours_retard = (today - signalement.echeance).days
    return LigneSuivi(signalement, delai, age, en_retard, jours_retard)


def signalements_suivi(user):
    """The problems `user` sees, with what the follow-up list shows joined."""
    return (
        Signalement.objects.for_user(user)
        .select_related("quartier", "categorie", "organisation_responsable", "diagnostic")
        .order_by("signale_le", "pk")
    )


def ouverts_du_quartier(*, quartier, user):
    """The open problems of `quartier` (and of the earlier quartiers it continues) that
    `user` sees, oldest first, with their category: what the quartier's map shows."""
    return list(
        signalements_suivi(user)
        .filter(quartier__in=[q.pk for q in quartier.historique()], etat__in=ETATS_OUVERTS)
        .select_related(None)
        .select_related("categorie")
    )


def _annee_locale(annee):
    """The bounds of a year in local time (so a report on 31/12 at 23:30 counts in its year)."""
    tz = timezone.get_current_timezone()
    debut = datetime.datetime(annee, 1, 1, tzinfo=tz)
    fin = datetime.datetime(annee + 1, 1, 1, tzinfo=tz)
    return Q(signale_le__gte=debut, signale_le__lt=fin)


def suivi_quartier(*, quartier, user, annee=None, today=None):
    """The document de suivi of a quartier: every problem `user` sees in it (reported in
    `annee` when given), oldest first. One query."""
    today = _today(today)
    signalements = signalements_suivi(user).filter(quartier=quartier)
    titre = f"Document de suivi — {quartier.nom}"
    if annee:
        signalements = signalements.filter(_annee_locale(annee))
        titre += f" — {annee}"
    lignes = [ligne_suivi(s, today=today) for s in signalements]
    return DocumentSuivi(titre=titre, today=today, lignes=lignes)


def suivi_diagnostic(*, diagnostic, user, today=None):
    """The document de suivi of a diagnostic en marchant: the problems found during the walk
    that `user` sees. One query."""
    today = _today(today)
    signalements = signalements_suivi(user).filter(diagnostic=diagnostic)
    lignes = [ligne_suivi(s, today=today) for s in signalements]
    titre = f"Document de suivi — diagnostic du {diagnostic.date:%d/%m/%Y}, {diagnostic.quartier}"
    return DocumentSuivi(titre=titre, today=today, lignes=lignes)


# ---------------------------------------------------------------------------------------
# Statistics
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatOrganisation:
    """The problems assigned to one responsible body (None: not assigned yet)."""

    organisation_id: int | None
    nom: str
    recus: int
    resolus: int
    ouverts: int
    en_retard: int
    dans_delai: int
    resolus_avec_echeance: int
    mediane: Decimal | None
    p90: Decimal | None

    @property
    def part_dans_delai(self):
        """Share of the resolved problems (having a due date) resolved within target."""
        return _part(self.dans_delai, self.resolus_avec_echeance)

    @property
    def part_dans_delai_texte(self):
        return part_texte(self.part_dans_delai)

    @property
    def mediane_texte(self):
        return jours_texte(self.mediane)

    @property
    def p90_texte(self):
        return jours_texte(self.p90)


@dataclass(frozen=True)
class StatAnnee:
    """The problems reported in one year: how many, how many resolved, median time."""

    annee: int
    recus: int
    resolus: int
    mediane: Decimal | None

    @property
    def mediane_texte(self):
        return jours_texte(self.mediane)


@dataclass(frozen=True)
class StatCategorieQuartier:
    """One category in one quartier: the number of problems in each state."""

    categorie: str
    quartier: str
    par_etat: dict  # {state code: count}, every state present

    @property
    def total(self):
        return sum(self.par_etat.values())

    @property
    def comptes(self):
        """The counts in the order of EtatSignalement."""
        return [self.par_etat[etat] for etat in EtatSignalement.values]


@dataclass
class Statistiques:
    contrat_id: int
    annees: list  # the years asked (empty: all)
    quartier_id: int | None
    today: datetime.date
    categories_quartiers: list
    organisations: list
    evolution: list
    total: StatOrganisation

    @property
    def etats(self):
        return list(EtatSignalement.choices)

    def graphiques(self):
        """The charts' figures for the page's json_script (numbers, not text)."""

        def nombre(value):
            return None if value is None else float(value)

        return {
            "organisations": {
                "labels": [o.nom for o in self.organisations],
                "series": [
                    {"label": "Reçus", "data": [o.recus for o in self.organisations]},
                    {"label": "Résolus", "data": [o.resolus for o in self.organisations]},
                    {"label": "En retard", "data": [o.en_retard for o in self.organisations]},
                ],
            },
            "evolution": {
                "labels": [str(a.annee) for a in self.evolution],
                "series": [
                    {"label": "Reçus", "data": [a.recus for a in self.evolution]},
                    {"label": "Résolus", "data": [a.resolus for a in self.evolution]},
                ],
                "mediane": {
                    "label": "Délai médian (jours)",
                    "data": [nombre(a.mediane) for a in self.evolution],
                },
            },
        }


def signalements_stats(*, contrat, user, annees=(), quartier=None):
    """The problems the statistics count: those `user` sees in `contrat`, reported in one of
    `annees` (local years; all when empty), of `quartier` when given."""
    signalements = Signalement.objects.for_user(user).filter(quartier__contrat=contrat)
    if annees:
        periode = Q(pk__in=[])
        for annee in annees:
            periode |= _annee_locale(annee)
        signalements = signalements.filter(periode)
    if quartier is not None:
        signalements = signalements.filter(quartier=quartier)
    return signalements


def _comptes(today):
    return {
        "recus": Count("pk"),
        "resolus": Count("pk", filter=RESOLU),
        "ouverts": Count("pk", filter=OUVERT),
        "en_retard": Count("pk", filter=en_retard_q(today)),
        "dans_delai": Count("pk", filter=RESOLU & Q(resolu_le__date__lte=F("echeance"))),
        "resolus_avec_echeance": Count("pk", filter=RESOLU & Q(echeance__isnull=False)),
    }


def statistiques(*, contrat, user, annees=(), quartier=None, today=None):
    """The statistics of the GUP of `contrat` as `user` sees them (an intervenant GUP: its
    organisation's problems only): counts by category × quartier × state; by responsible
    body the problems received, resolved, open, overdue, median and 90th-percentile
    processing time, share resolved within target; the evolution by year of report.

    Seven queries whatever the data, aggregated in the database.
    """
    today = _today(today)
    annees = sorted(set(annees or ()))
    base = signalements_stats(contrat=contrat, user=user, annees=annees, quartier=quartier)

    # 1. category × quartier × state.
    cellules = defaultdict(lambda: dict.fromkeys(EtatSignalement.values, 0))
    for row in (
        base.order_by()
        .values("categorie__ordre", "categorie__libelle", "quartier__nom", "etat")
        .annotate(n=Count("pk"))
    ):
        key = (row["categorie__ordre"], row["categorie__libelle"], row["quartier__nom"])
        cellules[key][row["etat"]] = row["n"]
    categories_quartiers = [
        StatCategorieQuartier(categorie=libelle, quartier=nom, par_etat=par_etat)
        for (_, libelle, nom), par_etat in sorted(cellules.items())
    ]

    # 2-3. by responsible body, with the percentiles.
    quantiles = quantiles_par(base, "organisation_responsable_id")
    organisations = [
        StatOrganisation(
            organisation_id=row["organisation_responsable_id"],
            nom=row["organisation_responsable__nom"] or "Non attribué",
            recus=row["recus"],
            resolus=row["resolus"],
            ouverts=row["ouverts"],
            en_retard=row["en_retard"],
            dans_delai=row["dans_delai"],
            resolus_avec_echeance=row["resolus_avec_echeance"],
            mediane=quantiles.get(row["organisation_responsable_id"], Quantiles()).mediane,
            p90=quantiles.get(row["organisation_responsable_id"], Quantiles()).p90,
        )
        for row in base.order_by()
        .values("organisation_responsable_id", "organisation_responsable__nom")
        .annotate(**_comptes(today))
        .order_by("organisation_responsable__nom", "organisation_responsable_id")
    ]

    # 4-5. by year of report.
    par_annee = base.annotate(annee=ExtractYear("signale_le"))
    quantiles_annee = quantiles_par(par_annee, "annee")
    evolution = [
        StatAnnee(
            annee=row["annee"],
            recus=row["recus"],
            resolus=row["resolus"],
            mediane=quantiles_annee.get(row["annee"], Quantiles()).mediane,
        )
        for row in par_annee.order_by()
        .values("annee")
        .annotate(recus=Count("pk"), resolus=Count("pk", filter=RESOLU))
        .order_by("annee")
    ]

    # 6-7. every problem counted.
    totaux = base.order_by().aggregate(**_comptes(today))
    ensemble = quantiles_par(base).get(None, Quantiles())
    total = StatOrganisation(
        organisation_id=None,
        nom="Ensemble",
        mediane=ensemble.mediane,
        p90=ensemble.p90,
        **totaux,
    )
    return Statistiques(
        contrat_id=contrat.pk,
        annees=annees,
        quartier_id=quartier.pk if quartier else None,
        today=today,
        categories_quartiers=categories_quartiers,
        organisations=organisations,
        evolution=evolution,
        total=total,
    )


# ---------------------------------------------------------------------------------------
# The weekly digest
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Digest:
    """What one responsible body reads on Monday: its overdue problems, then the others."""

    organisation_id: int
    en_retard: list  # LigneSuivi, most late first
    autres: list  # LigneSuivi, due date soonest first

    @property
    def nb_ouverts(self):
        return len(self.en_retard) + len(self.autres)


def digests(*, today=None):
    """{organisation id: Digest} of every body that has open problems on `today`. One query
    (the weekly task's recipients are read apart)."""
    today = _today(today)
    ouverts = (
        Signalement.objects.filter(OUVERT, organisation_responsable__isnull=False)
        .select_related("quartier", "categorie")
        .order_by("organisation_responsable_id", "echeance", "signale_le", "pk")
    )
    par_organisation = defaultdict(list)
    for signalement in ouverts:
        par_organisation[signalement.organisation_responsable_id].append(
            ligne_suivi(signalement, today=today)
        )
    result = {}
    for organisation_id, lignes in par_organisation.items():
        retard = sorted(
            (ligne for ligne in lignes if ligne.en_retard),
            key=lambda ligne: (-ligne.jours_retard, ligne.signalement.pk),
        )
        autres = [ligne for ligne in lignes if not ligne.en_retard]
        result[organisation_id] = Digest(organisation_id, retard, autres)
    return result
