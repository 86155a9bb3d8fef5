"""Reads of the chantiers tremplin: the scoped list and the counts per quartier and year.
Figures are computed here only (pages, Excel export and API read them)."""

from decimal import Decimal

from django.db.models import Count, DecimalField, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from cdv.models import Organisation
from gup.models import ChantierTremplin, FinancementChantier
from gup.models.chantiers import ISSUES

# The counted columns of the bilan, in the order of the pages and the export: (key, label).
COLONNES = [
    ("chantiers", "Chantiers"),
    ("participants", "Participants"),
    ("femmes", "Femmes"),
    ("hommes", "Hommes"),
    ("residents_qpv", "Habitants des QPV"),
    ("sorties_emploi", "Emploi"),
    ("sorties_formation", "Formation"),
    ("sorties_iae", "IAE"),
    ("sorties_autre_suivi", "Autre suivi"),
    ("sorties_sans_solution", "Sans solution"),
]
SOMMES = ["participants", "femmes", "hommes", "residents_qpv", *ISSUES]


def chantiers_for(user, *, contrat=None, annee=None, quartier=None):
    """The sites `user` sees, of `contrat` (all of its scope when None), filtered by year and
    quartier."""
    queryset = ChantierTremplin.objects.for_user(user)
    if contrat is not None:
        queryset = queryset.filter(quartier__contrat=contrat)
    if annee:
        queryset = queryset.filter(annee=annee)
    if quartier is not None:
        queryset = queryset.filter(quartier=quartier)
    return queryset


def with_list_related_data(queryset):
    """What a list row shows: quartier, operator and the total of the funders' amounts (a
    correlated subquery: no join multiplies the rows)."""
    total = (
        FinancementChantier.objects.filter(chantier=OuterRef("pk"))
        .order_by()
        .values("chantier")
        .annotate(total=Sum("montant"))
        .values("total")
    )
    return queryset.select_related("quartier", "operateur").annotate(
        montant_finance=Subquery(total, output_field=DecimalField(max_digits=14, decimal_places=2))
    )


def chantiers_bilan(queryset):
    """The counts of `queryset` per quartier and year: sites, participants, women, men,
    residents of the QPV and each outcome, with their totals. One query.

    Returns {"lignes": [{"quartier_nom", "quartier_id", "annee", "chantiers", ...}],
    "total": {...}, "totaux": [...] (in the order of COLONNES), "colonnes": COLONNES}.
    """
    lignes = list(
        queryset.order_by()
        .values("quartier_id", "annee", quartier_nom=F("quartier__nom"))
        .annotate(
            chantiers=Count("pk"),
            **{name: Coalesce(Sum(name), 0) for name in SOMMES},
        )
        .order_by("-annee", "quartier_nom", "quartier_id")
    )
    total = {key: sum(ligne[key] for ligne in lignes) for key, _ in COLONNES}
    return {
        "lignes": lignes,
        "total": total,
        "totaux": [total[key] for key, _ in COLONNES],
        "colonnes": COLONNES,
    }


def annees_of(queryset):
    """The years that have sites in `queryset`, most recent first."""
    return list(queryset.order_by("-annee").values_list("annee", flat=True).distinct())


def financeurs_possibles(user, *, contrat, chantier=None):
    """The organisations that may fund a site: those of the user's directory, the contract's
    EPCI and signatories (an operator's agent does not see the directory, yet names them),
    and the site's current funders."""
    scope = Q(pk__in=Organisation.objects.for_user(user).values("pk"))
    if contrat is not None:
        scope |= Q(pk=contrat.epci_id) | Q(pk__in=contrat.signataires.values("organisation"))
    if chantier is not None and chantier.pk:
        scope |= Q(pk__in=chantier.financements.values("financeur"))
    return Organisation.objects.filter(scope).order_by("nom")


def financements_detail(chantier):
    """A site's funders with their amounts, and their total (amounts not given count 0)."""
    lignes = list(chantier.financements.select_related("financeur").order_by("financeur__nom"))
    return lignes, sum((ligne.montant or Decimal("0") for ligne in lignes), Decimal("0"))
