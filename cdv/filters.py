"""django-filter FilterSets of the contract core's API.

Choice filters on related records offer only what the user may see: a filter never
confirms that an out-of-scope record exists.
"""

import django_filters as filters
from django.db.models import Q

from cdv.enums import InstanceKind, NiveauObjectif, OrganisationKind
from cdv.models import (
    AxeTransversal,
    Contrat,
    Instance,
    Objectif,
    Organisation,
    Pilier,
    Reunion,
    Signataire,
    ThematiqueANCT,
)


def scoped(model):
    """A queryset callable for ModelChoiceFilter: the model's records the user may see."""

    def queryset(request):
        return model.objects.for_user(getattr(request, "user", None))

    return queryset


def contrat_filter(field_name="contrat"):
    return filters.ModelChoiceFilter(
        field_name=field_name, queryset=scoped(Contrat), label="contrat"
    )


class ContratFilter(filters.FilterSet):
    epci = filters.ModelChoiceFilter(queryset=scoped(Organisation), label="EPCI porteur")
    annee = filters.NumberFilter(method="filter_annee", label="année couverte")

    class Meta:
        model = Contrat
        fields = ["epci", "annee"]

    def filter_annee(self, queryset, name, value):
        return queryset.filter(annee_debut__lte=value, annee_fin__gte=value)


class OrganisationFilter(filters.FilterSet):
    kind = filters.MultipleChoiceFilter(choices=OrganisationKind.choices, label="type")
    active = filters.BooleanFilter(label="active")
    q = filters.CharFilter(method="filter_q", label="recherche (nom, sigle, SIRET, commune)")

    class Meta:
        model = Organisation
        fields = ["kind", "active", "q"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(nom__icontains=value)
            | Q(sigle__icontains=value)
            | Q(siret=value)
            | Q(commune__icontains=value)
        )


class SignataireFilter(filters.FilterSet):
    contrat = contrat_filter()
    organisation = filters.ModelChoiceFilter(queryset=scoped(Organisation), label="organisation")

    class Meta:
        model = Signataire
        fields = ["contrat", "organisation"]


class PilierFilter(filters.FilterSet):
    contrat = contrat_filter()

    class Meta:
        model = Pilier
        fields = ["contrat"]


class AxeTransversalFilter(filters.FilterSet):
    contrat = contrat_filter()

    class Meta:
        model = AxeTransversal
        fields = ["contrat"]


class ObjectifFilter(filters.FilterSet):
    contrat = contrat_filter("pilier__contrat")
    pilier = filters.ModelChoiceFilter(queryset=scoped(Pilier), label="pilier")
    niveau = filters.ChoiceFilter(choices=NiveauObjectif.choices, label="niveau")
    parent = filters.ModelChoiceFilter(queryset=scoped(Objectif), label="orientation stratégique")

    class Meta:
        model = Objectif
        fields = ["contrat", "pilier", "niveau", "parent"]


class ThematiqueANCTFilter(filters.FilterSet):
    parent = filters.ModelChoiceFilter(queryset=scoped(ThematiqueANCT), label="thème")
    theme = filters.BooleanFilter(
        field_name="parent", lookup_expr="isnull", label="thèmes seulement (sans parent)"
    )

    class Meta:
        model = ThematiqueANCT
        fields = ["parent", "theme"]


class InstanceFilter(filters.FilterSet):
    contrat = contrat_filter()
    kind = filters.ChoiceFilter(choices=InstanceKind.choices, label="type")

    class Meta:
        model = Instance
        fields = ["contrat", "kind"]


class ReunionFilter(filters.FilterSet):
    contrat = contrat_filter("instance__contrat")
    instance = filters.ModelChoiceFilter(queryset=scoped(Instance), label="instance")
    kind = filters.ChoiceFilter(
        field_name="instance__kind", choices=InstanceKind.choices, label="type d'instance"
    )
    date_min = filters.DateFilter(field_name="date", lookup_expr="gte", label="à partir du")
    date_max = filters.DateFilter(field_name="date", lookup_expr="lte", label="jusqu'au")

    class Meta:
        model = Reunion
        fields = ["contrat", "instance", "kind", "date_min", "date_max"]
