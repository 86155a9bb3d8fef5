"""The bilan physico-financier (the evaluation report's chapter 3)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Q, Sum, Value, When
from django.db.models.functions import Coalesce

from programmation.selectors.base import ZERO, _money, impute_au_quartier

# ---------------------------------------------------------------------------------------
# Bilan physico-financier (the evaluation report's chapter 3)
# ---------------------------------------------------------------------------------------

RATIO = Decimal("0.0001")


@dataclass(frozen=True)
class PbfAnnee:
    """One year of the programmation. Amounts of actions are their specific credits."""

    annee: int | None  # None on the totals line
    nb_actions: int
    credits_specifiques: Decimal
    autres_financements: Decimal
    total_accorde: Decimal
    taux_cofinancement: Decimal | None
    nb_reconductions: int
    montant_reconductions: Decimal
    nb_nouvelles: int
    montant_nouvelles: Decimal
    nb_porteurs: int  # distinct porteurs of the line's actions
    evolution_montant: Decimal | None = None
    evolution_pourcentage: Decimal | None = None
    evolution_nb_actions: int | None = None

    @property
    def part_reconductions(self):
        """Renewed actions / funded actions of the line (None without actions)."""
        return _ratio(self.nb_reconductions, self.nb_actions)


@dataclass(frozen=True)
class PbfPilier:
    pilier_id: int | None
    nom: str
    nb_actions: int
    credits_specifiques: Decimal
    part: Decimal | None


@dataclass(frozen=True)
class PbfQuartier:
    quartier_id: int
    nom: str
    code: str
    nb_actions: int
    credits_specifiques: Decimal
    part: Decimal | None


@dataclass(frozen=True)
class PbfFinanceur:
    financeur_id: int
    nom: str
    nb_actions: int
    credits_specifiques: Decimal
    droit_commun: Decimal
    total_accorde: Decimal
    part: Decimal | None


@dataclass(frozen=True)
class BilanPhysicoFinancier:
    contrat_id: int
    annee_min: int
    annee_max: int
    annees: list
    piliers: list
    quartiers: list
    financeurs: list
    totaux: PbfAnnee
    # Specific credits no quartier share accounts for (actions without quartiers, shares < 100 %).
    non_ventile: Decimal


def _eur(value):
    """Cents, whatever the database returns (SQLite drops trailing zeros)."""
    return Decimal(value or 0).quantize(ZERO)


def _ratio(part, total):
    if not total:
        return None
    return (Decimal(part) / Decimal(total)).quantize(RATIO)


def _sum_when(field, *conditions, **lookups):
    """SUM(CASE WHEN <conditions> THEN field ELSE 0 END), 0 when there is no row."""
    return Coalesce(
        Sum(
            Case(
                When(Q(*conditions, **lookups), then=field),
                default=Value(ZERO),
                output_field=_money,
            )
        ),
        Value(ZERO),
        output_field=_money,
    )


def _action_figures():
    """The per-year (or overall) figures, over actions joined to their funding rows.

    One LEFT JOIN on `financements`: each funding row is summed once, and the actions are
    counted DISTINCT so that an action funded by three funders still counts once.
    """
    from django.db.models import Count

    from programmation.enums import NatureFinancement

    accorde = "financements__montant_accorde"
    specifique = {"financements__nature": NatureFinancement.SPECIFIQUE}
    reconduction = Q(est_reconduction=True)
    return {
        "nb_actions": Count("pk", distinct=True),
        "nb_porteurs": Count("porteur", distinct=True),
        "credits_specifiques": _sum_when(accorde, **specifique),
        "total_accorde": Coalesce(Sum(accorde), Value(ZERO), output_field=_money),
        "nb_reconductions": Count("pk", distinct=True, filter=reconduction),
        "montant_reconductions": _sum_when(accorde, reconduction, **specifique),
        "montant_nouvelles": _sum_when(accorde, ~reconduction, **specifique),
    }


def _ligne_annee(annee, row):
    specifique, total = _eur(row["credits_specifiques"]), _eur(row["total_accorde"])
    return PbfAnnee(
        annee=annee,
        nb_actions=row["nb_actions"],
        credits_specifiques=specifique,
        autres_financements=total - specifique,
        total_accorde=total,
        taux_cofinancement=_ratio(total - specifique, specifique),
        nb_reconductions=row["nb_reconductions"],
        montant_reconductions=_eur(row["montant_reconductions"]),
        nb_nouvelles=row["nb_actions"] - row["nb_reconductions"],
        montant_nouvelles=_eur(row["montant_nouvelles"]),
        nb_porteurs=row["nb_porteurs"],
    )


def bilan_physico_financier(*, contrat, annee_min, annee_max, user):
    """The bilan physico-financier of `contrat` over [annee_min, annee_max], as `user` sees it.

    Counts the funded actions (states of ETATS_PROGRAMMES) the user may see, of the calls of
    the contract in those years. "Crédits spécifiques" are the amounts granted with the
    nature "crédits spécifiques"; the amount of an action, a pillar, a quartier, a renewal is
    its specific credits; the co-funding ratio is (every other amount granted) / specific.
    A quartier receives each action's specific credits × its share (ActionQuartier.part).
    Five aggregate queries, whatever the number of actions.
    """
    from dataclasses import replace

    from django.db.models import Count, F
    from django.db.models.functions import Cast

    from programmation.enums import ETATS_PROGRAMMES, NatureFinancement
    from programmation.models import Action, ActionQuartier, Financement

    actions = Action.objects.for_user(user).filter(
        appel__contrat=contrat,
        appel__annee__gte=annee_min,
        appel__annee__lte=annee_max,
        etat__in=ETATS_PROGRAMMES,
    )
    figures = _action_figures()

    # 1. Per year.
    rows = {
        row["appel__annee"]: row
        for row in actions.order_by().values("appel__annee").annotate(**figures)
    }
    empty = {name: 0 if name.startswith("nb_") else ZERO for name in figures}
    annees, previous = [], None
    for annee in range(annee_min, annee_max + 1):
        ligne = _ligne_annee(annee, rows.get(annee, empty))
        if previous is not None:
            delta = ligne.credits_specifiques - previous.credits_specifiques
            ligne = replace(
                ligne,
                evolution_montant=delta,
                evolution_pourcentage=_ratio(delta, previous.credits_specifiques),
                evolution_nb_actions=ligne.nb_actions - previous.nb_actions,
            )
        annees.append(ligne)
        previous = ligne

    # 2. Overall.
    totaux = _ligne_annee(None, actions.order_by().aggregate(**figures))
    total = totaux.credits_specifiques

    # 3. Per pillar (actions without one are grouped under "Sans pilier", last).
    piliers = [
        PbfPilier(
            pilier_id=row["pilier"],
            nom=row["pilier__nom"] or "Sans pilier",
            nb_actions=row["nb_actions"],
            credits_specifiques=_eur(row["credits_specifiques"]),
            part=_ratio(row["credits_specifiques"], total),
        )
        for row in actions.order_by()
        .values("pilier", "pilier__nom", "pilier__ordre")
        .annotate(
            nb_actions=figures["nb_actions"], credits_specifiques=figures["credits_specifiques"]
        )
        .order_by(F("pilier__ordre").asc(nulls_last=True), "pilier__nom")
    ]

    # 4. Per quartier: each (share, funding row) pair once; rounded to the cent once per quartier.
    quartiers = [
        PbfQuartier(
            quartier_id=row["quartier"],
            nom=row["quartier__nom"],
            code=row["quartier__code"],
            nb_actions=row["nb_actions"],
            credits_specifiques=_eur(row["credits_specifiques"]),
            part=_ratio(row["credits_specifiques"], total),
        )
        for row in ActionQuartier.objects.filter(action__in=actions)
        .order_by()
        .values("quartier", "quartier__nom", "quartier__code")
        .annotate(
            nb_actions=Count("action", distinct=True),
            credits_specifiques=Cast(Coalesce(Sum(impute_au_quartier()), Value(ZERO)), _money),
        )
        .order_by("quartier__nom", "quartier")
    ]
    non_ventile = total - sum((q.credits_specifiques for q in quartiers), ZERO)

    # 5. Per funder: what each one granted (only funders who granted something).
    accorde_total = totaux.total_accorde
    financeurs = [
        PbfFinanceur(
            financeur_id=row["financeur"],
            nom=row["financeur__nom"],
            nb_actions=row["nb_actions"],
            credits_specifiques=_eur(row["credits_specifiques"]),
            droit_commun=_eur(row["total_accorde"]) - _eur(row["credits_specifiques"]),
            total_accorde=_eur(row["total_accorde"]),
            part=_ratio(row["total_accorde"], accorde_total),
        )
        for row in Financement.objects.filter(action__in=actions, montant_accorde__gt=0)
        .order_by()
        .values("financeur", "financeur__nom")
        .annotate(
            nb_actions=Count("action", distinct=True),
            credits_specifiques=_sum_when("montant_accorde", nature=NatureFinancement.SPECIFIQUE),
            total_accorde=Coalesce(Sum("montant_accorde"), Value(ZERO), output_field=_money),
        )
        .order_by("-total_accorde", "financeur__nom")
    ]

    return BilanPhysicoFinancier(
        contrat_id=contrat.pk,
        annee_min=annee_min,
        annee_max=annee_max,
        annees=annees,
        piliers=piliers,
        quartiers=quartiers,
        financeurs=financeurs,
        totaux=totaux,
        non_ventile=non_ventile,
    )
