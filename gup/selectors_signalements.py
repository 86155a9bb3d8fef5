"""Reads of the staff pages and API for diagnostics and signalements: the criteria of the
list (shared by the page and the API), its sort, and the figures of the diagnostics.

Every read starts from the models' for_user(); a choice offered in a filter is a record the
user may see, so that a filter never confirms that an out-of-scope record exists."""

from dataclasses import dataclass

import django_filters as filters
from django import forms
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.utils import timezone
from django.utils.text import capfirst
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from cdv.models import Organisation
from gup import selectors
from gup.enums import ETATS_OUVERTS, EtatSignalement, Priorite, SourceSignalement
from gup.models import CategorieSignalement, Diagnostic, Signalement
from gup.selectors import en_retard_q
from quartiers.models import Quartier

PAR_PAGE = 50


# What a user may pick in the filters -------------------------------------------------------


def _avec_signalements_visibles(model, user, path):
    """The records of `model` the user sees, and those its visible signalements point to
    (an intervenant GUP follows no contract but sees the quartiers of its problems)."""
    visibles = Signalement.objects.for_user(user).order_by().values(path)
    return model.objects.filter(
        Q(pk__in=model.objects.for_user(user).values("pk")) | Q(pk__in=visibles)
    )


def quartiers_visibles(user, contrat=None):
    quartiers = _avec_signalements_visibles(Quartier, user, "quartier")
    if contrat is not None:
        quartiers = quartiers.filter(contrat=contrat)
    return quartiers.order_by("nom", "pk")


def categories_visibles(user, contrat=None):
    categories = _avec_signalements_visibles(CategorieSignalement, user, "categorie")
    if contrat is not None:
        categories = categories.filter(contrat=contrat)
    return categories.order_by("ordre", "libelle", "pk")


def organisations_responsables(user, contrat=None):
    """The bodies the visible signalements are assigned to."""
    signalements = Signalement.objects.for_user(user)
    if contrat is not None:
        signalements = signalements.filter(quartier__contrat=contrat)
    ids = signalements.order_by().values("organisation_responsable")
    return Organisation.objects.for_user(user).filter(pk__in=ids).order_by("nom", "pk")


def diagnostics_visibles(user, contrat=None):
    diagnostics = Diagnostic.objects.for_user(user).select_related("quartier")
    if contrat is not None:
        diagnostics = diagnostics.filter(quartier__contrat=contrat)
    return diagnostics.order_by("-date", "pk")


def _scoped(function):
    def queryset(request):
        return function(getattr(request, "user", None))

    return queryset


# The criteria ------------------------------------------------------------------------------


class SignalementFilter(filters.FilterSet):
    """The criteria of the list of signalements, for the page and the API."""

    quartier = filters.ModelChoiceFilter(queryset=_scoped(quartiers_visibles), label="quartier")
    categorie = filters.ModelChoiceFilter(queryset=_scoped(categories_visibles), label="catégorie")
    etat = filters.MultipleChoiceFilter(choices=EtatSignalement.choices, label="état")
    organisation = filters.ModelChoiceFilter(
        field_name="organisation_responsable",
        queryset=_scoped(organisations_responsables),
        label="organisation responsable",
    )
    source = filters.ChoiceFilter(choices=SourceSignalement.choices, label="source")
    priorite = filters.ChoiceFilter(choices=Priorite.choices, label="priorité")
    en_retard = filters.BooleanFilter(
        method="filter_en_retard",
        label="en retard seulement (ouverts, échéance dépassée)",
        widget=forms.CheckboxInput,
    )
    diagnostic = filters.ModelChoiceFilter(
        queryset=_scoped(diagnostics_visibles), label="diagnostic en marchant"
    )
    q = filters.CharFilter(method="filter_q", label="recherche (description, adresse, numéro)")

    class Meta:
        model = Signalement
        fields = [
            "quartier",
            "categorie",
            "etat",
            "organisation",
            "source",
            "priorite",
            "en_retard",
            "diagnostic",
            "q",
        ]

    @extend_schema_field(OpenApiTypes.BOOL)
    def filter_en_retard(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(en_retard_q(timezone.localdate()))

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q(description__icontains=value) | Q(adresse__icontains=value)
        numero = value.removeprefix("n°").removeprefix("#").strip()
        if numero.isdigit():
            condition |= Q(pk=int(numero))
        return queryset.filter(condition)


class DiagnosticFilter(filters.FilterSet):
    quartier = filters.ModelChoiceFilter(queryset=_scoped(quartiers_visibles), label="quartier")
    date_min = filters.DateFilter(field_name="date", lookup_expr="gte", label="à partir du")
    date_max = filters.DateFilter(field_name="date", lookup_expr="lte", label="jusqu'au")

    class Meta:
        model = Diagnostic
        fields = ["quartier", "date_min", "date_max"]


# The list of signalements ------------------------------------------------------------------

# The columns of the table: (code, header); a sort whitelist: code → order_by fields.
COLONNES = [
    ("numero", "N°"),
    ("signale_le", "Signalé le"),
    ("quartier", "Quartier"),
    ("categorie", "Catégorie"),
    ("adresse", "Lieu"),
    ("etat", "État"),
    ("priorite", "Priorité"),
    ("organisation", "Organisation responsable"),
    ("echeance", "Échéance"),
]
TRIS = {
    "numero": ("pk",),
    "signale_le": ("signale_le",),
    "quartier": ("quartier__nom",),
    "categorie": ("categorie__libelle",),
    "etat": ("rang_etat",),
    "priorite": ("rang_priorite",),
    "organisation": ("organisation_responsable__nom",),
    "echeance": ("echeance",),
}
TRI_PAR_DEFAUT = "-signale_le"
CRITERES = list(SignalementFilter.base_filters)


def _rang(champ, valeurs):
    """A choice field in its enum's order, not the alphabet's."""
    return Case(
        *[When(**{champ: code}, then=Value(rang)) for rang, code in enumerate(valeurs)],
        output_field=IntegerField(),
    )


def avec_retard(signalements):
    """Annotate `en_retard`: open and past its due date (gup.selectors.en_retard_q)."""
    return signalements.annotate(
        en_retard=Case(
            When(en_retard_q(timezone.localdate()), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def est_en_retard(signalement):
    """Open and past its due date today (the list's `en_retard`, for one problem)."""
    return selectors.est_en_retard(signalement, timezone.localdate())


def trier(signalements, tri):
    champs = TRIS[tri.lstrip("-")]
    if "rang_etat" in champs:
        signalements = signalements.annotate(rang_etat=_rang("etat", EtatSignalement.values))
    if "rang_priorite" in champs:
        signalements = signalements.annotate(rang_priorite=_rang("priorite", Priorite.values))
    desc = tri.startswith("-")
    ordre = [F(c).desc(nulls_last=True) if desc else F(c).asc(nulls_last=True) for c in champs]
    return signalements.order_by(*ordre, "-pk")


def with_list_related_data(signalements):
    """What a row of the list shows, joined: quartier, category, responsible body."""
    return avec_retard(
        signalements.select_related("quartier", "categorie", "organisation_responsable")
    )


def signalements_visibles(user, contrat=None):
    """The signalements the user sees, of `contrat` when given (an intervenant GUP without a
    contract sees those assigned to its organisation, every contract)."""
    signalements = Signalement.objects.for_user(user)
    if contrat is not None:
        signalements = signalements.filter(quartier__contrat=contrat)
    return signalements


class SignalementPageFilter(SignalementFilter):
    """The criteria as the page shows them: the current contract's choices, French empty
    choices, states as checkboxes, a search box."""

    VIDES = {
        "quartier": "Tous les quartiers",
        "categorie": "Toutes les catégories",
        "organisation": "Toutes les organisations",
        "source": "Toutes les sources",
        "priorite": "Toutes les priorités",
        "diagnostic": "Tous les diagnostics",
    }

    def __init__(self, data, *, queryset, request, contrat):
        super().__init__(data, queryset=queryset, request=request)
        user = request.user
        self.filters["quartier"].queryset = quartiers_visibles(user, contrat)
        self.filters["categorie"].queryset = categories_visibles(user, contrat)
        self.filters["organisation"].queryset = organisations_responsables(user, contrat)
        self.filters["diagnostic"].queryset = diagnostics_visibles(user, contrat)
        for name, label in self.VIDES.items():
            self.filters[name].extra["empty_label"] = label
        for name in ("source", "priorite"):
            self.filters[name].extra["empty_label"] = self.VIDES[name]
        self.filters["etat"].extra["widget"] = forms.CheckboxSelectMultiple
        self.filters["q"].extra["widget"] = forms.TextInput(attrs={"type": "search"})
        for filtre in self.filters.values():
            filtre.label = capfirst(filtre.label)


@dataclass(frozen=True)
class Selection:
    filtre: SignalementPageFilter
    signalements: object  # filtered and sorted, lazy
    tri: str
    criteres: object  # QueryDict of the criteria and sort


def selection(request, *, contrat):
    """The signalements of `contrat` the user sees, filtered by the request's criteria and
    sorted by `tri`. No query here: the querysets stay lazy."""
    criteres = QueryDict(mutable=True)
    for name in CRITERES:
        valeurs = [v for v in request.GET.getlist(name) if v]
        if valeurs:
            criteres.setlist(name, valeurs)
    tri = request.GET.get("tri", "")
    if tri.lstrip("-") not in TRIS:
        tri = TRI_PAR_DEFAUT
    criteres["tri"] = tri
    visibles = signalements_visibles(request.user, contrat)
    filtre = SignalementPageFilter(criteres, queryset=visibles, request=request, contrat=contrat)
    # An invalid criterion is left out (the form shows why); the others still apply.
    filtre.form.is_valid()
    return Selection(
        filtre=filtre,
        signalements=with_list_related_data(trier(filtre.qs, tri)),
        tri=tri,
        criteres=criteres,
    )


def entetes(selection):
    """The column headers with their sort links and aria-sort."""
    base = selection.criteres.copy()
    base.pop("tri", None)
    prefixe = f"?{base.urlencode()}&" if base else "?"
    actuel, desc = selection.tri.lstrip("-"), selection.tri.startswith("-")

    def entete(code, label):
        if code not in TRIS:
            return {"code": code, "label": label, "url": None, "tri": None}
        inverse = code == actuel and not desc
        return {
            "code": code,
            "label": label,
            "url": f"{prefixe}tri={'-' if inverse else ''}{code}",
            "suivant": "décroissant" if inverse else "croissant",
            "tri": ("descending" if desc else "ascending") if code == actuel else None,
        }

    return [entete(code, label) for code, label in COLONNES]


# Diagnostics -------------------------------------------------------------------------------


def _compte(filtre=None):
    signalements = Signalement.objects.filter(diagnostic=OuterRef("pk"))
    if filtre is not None:
        signalements = signalements.filter(filtre)
    compte = signalements.order_by().values("diagnostic").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(compte, output_field=IntegerField()), 0)


def avec_chiffres(diagnostics):
    """Annotate each walk with the problems it found and those still open (every problem of
    the walk: the figures of the walk, whoever handles them). Correlated subqueries, so
    that the participants' join never multiplies them."""
    return diagnostics.annotate(
        nb_signalements=_compte(), nb_ouverts=_compte(Q(etat__in=ETATS_OUVERTS))
    )


def diagnostics_du_contrat(user, contrat=None):
    """The walks the user sees (of `contrat` when given), their figures and participants."""
    return avec_chiffres(diagnostics_visibles(user, contrat)).prefetch_related("participants")
