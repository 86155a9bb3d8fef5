"""django-filter FilterSets of the programmation: the programming table's criteria, shared by
the table page, its CSV/Excel exports and the list API, so that all three filter the same way.
"""

import django_filters as filters
from django.db.models import Exists, OuterRef, Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from cdv.filters import contrat_filter, scoped
from cdv.models import AxeTransversal, Organisation, Pilier, ThematiqueANCT
from programmation.enums import EtatAction
from programmation.models import Action, ActionQuartier, AppelAProjets, Financement
from quartiers.models import Quartier


class NouveauteAction(filters.ChoiceFilter):
    NOUVELLE = "nouvelle"
    RECONDUCTION = "reconduction"
    CHOICES = [(NOUVELLE, "Action nouvelle"), (RECONDUCTION, "Reconduction")]

    def __init__(self, **kwargs):
        super().__init__(choices=self.CHOICES, **kwargs)

    def filter(self, queryset, value):
        if not value:
            return queryset
        return queryset.filter(est_reconduction=value == self.RECONDUCTION)


class ActionFilter(filters.FilterSet):
    """The programming table's criteria. Every related choice is limited to what the user
    may see; a quartier, funder or theme filter keeps an action once (EXISTS, no join)."""

    contrat = contrat_filter("appel__contrat")
    annee = filters.NumberFilter(field_name="appel__annee", label="année")
    appel = filters.ModelChoiceFilter(queryset=scoped(AppelAProjets), label="appel à projets")
    pilier = filters.ModelChoiceFilter(queryset=scoped(Pilier), label="pilier")
    quartier = filters.ModelChoiceFilter(
        queryset=scoped(Quartier), method="filter_quartier", label="quartier"
    )
    porteur = filters.ModelChoiceFilter(queryset=scoped(Organisation), label="porteur")
    financeur = filters.ModelChoiceFilter(
        queryset=scoped(Organisation), method="filter_financeur", label="financeur"
    )
    etat = filters.MultipleChoiceFilter(choices=EtatAction.choices, label="état")
    nouveaute = NouveauteAction(label="nouvelle ou reconduction")
    axe = filters.ModelChoiceFilter(
        field_name="axes", queryset=scoped(AxeTransversal), label="axe transversal"
    )
    thematique = filters.ModelChoiceFilter(
        queryset=scoped(ThematiqueANCT), method="filter_thematique", label="thématique ANCT"
    )
    q = filters.CharFilter(method="filter_q", label="recherche (intitulé, porteur)")

    class Meta:
        model = Action
        fields = [
            "contrat",
            "annee",
            "appel",
            "pilier",
            "quartier",
            "porteur",
            "financeur",
            "etat",
            "nouveaute",
            "axe",
            "thematique",
            "q",
        ]

    @extend_schema_field(OpenApiTypes.INT)  # the API documents an id
    def filter_quartier(self, queryset, name, value):
        parts = ActionQuartier.objects.filter(action=OuterRef("pk"), quartier=value)
        return queryset.filter(Exists(parts))

    @extend_schema_field(OpenApiTypes.INT)  # the API documents an id
    def filter_financeur(self, queryset, name, value):
        lignes = Financement.objects.filter(action=OuterRef("pk"), financeur=value)
        return queryset.filter(Exists(lignes))

    def filter_thematique(self, queryset, name, value):
        """A theme also finds the actions filed under its sub-themes."""
        return queryset.filter(
            thematique__in=[value.pk, *value.sous_thematiques.values_list("pk", flat=True)]
        )

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(intitule__icontains=value) | Q(porteur__nom__icontains=value))
