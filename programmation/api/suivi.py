"""Calls for projects, conventions with their payments, and bilans through the API: reads
over the records `for_user()` lets one see, with their related rows joined."""

from decimal import Decimal

import django_filters as filters
from django.db.models import DecimalField, F, Prefetch, Sum, Value
from django.db.models.functions import Coalesce
from drf_spectacular.utils import extend_schema, extend_schema_view

from cdv.filters import contrat_filter, scoped
from cdv.models import Organisation
from programmation.api.base import ProgrammationViewSet
from programmation.api.serializers import (
    AppelSerializer,
    BilanActionSerializer,
    ConventionSerializer,
)
from programmation.enums import EtatAppel
from programmation.models import (
    Action,
    AppelAProjets,
    Bilan,
    Convention,
    Enveloppe,
    Priorite,
)

_money = DecimalField(max_digits=14, decimal_places=2)


# Filters ----------------------------------------------------------------------------------


class AppelFilter(filters.FilterSet):
    contrat = contrat_filter()
    annee = filters.NumberFilter(label="année")
    etat = filters.MultipleChoiceFilter(choices=EtatAppel.choices, label="état")

    class Meta:
        model = AppelAProjets
        fields = ["contrat", "annee", "etat"]


class ConventionFilter(filters.FilterSet):
    contrat = contrat_filter("action__appel__contrat")
    annee = filters.NumberFilter(field_name="action__appel__annee", label="année de l'action")
    action = filters.ModelChoiceFilter(queryset=scoped(Action), label="action")
    financeur = filters.ModelChoiceFilter(queryset=scoped(Organisation), label="financeur")

    class Meta:
        model = Convention
        fields = ["contrat", "annee", "action", "financeur", "pluriannuelle"]


class BilanFilter(filters.FilterSet):
    contrat = contrat_filter("action__appel__contrat")
    annee = filters.NumberFilter(field_name="action__appel__annee", label="année de l'action")
    action = filters.ModelChoiceFilter(queryset=scoped(Action), label="action")
    depose = filters.BooleanFilter(
        field_name="date_depot", lookup_expr="isnull", exclude=True, label="déposé"
    )

    class Meta:
        model = Bilan
        fields = ["contrat", "annee", "action", "depose"]


# Views ------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Les appels à projets"),
    retrieve=extend_schema(summary="Un appel à projets"),
)
class AppelViewSet(ProgrammationViewSet):
    """Les appels à projets des contrats que vous suivez (et, pour un porteur, les appels
    ouverts et ceux auxquels il a répondu) : calendrier, priorités par pilier et objectifs
    visés, enveloppes indicatives des financeurs."""

    model = AppelAProjets
    serializer_class = AppelSerializer
    filterset_class = AppelFilter

    def get_queryset(self):
        user = self.request.user
        priorites = (
            Priorite.objects.for_user(user)
            .select_related("pilier")
            .prefetch_related("objectifs")
            .order_by("pilier__ordre", "pilier__nom", "pk")
        )
        enveloppes = Enveloppe.objects.for_user(user).select_related("financeur")
        return (
            AppelAProjets.objects.for_user(user)
            .prefetch_related(
                Prefetch("priorites", queryset=priorites),
                Prefetch("enveloppes", queryset=enveloppes),
            )
            .order_by("-annee", "titre", "pk")
        )


@extend_schema_view(
    list=extend_schema(summary="Les conventions"),
    retrieve=extend_schema(summary="Une convention"),
)
class ConventionViewSet(ProgrammationViewSet):
    """Les conventions des actions que vous suivez : montant accordé, montants annuels d'une
    convention pluriannuelle (CPO), versements, total versé et reste à verser."""

    model = Convention
    serializer_class = ConventionSerializer
    filterset_class = ConventionFilter

    def get_queryset(self):
        verse = Coalesce(Sum("versements__montant"), Value(Decimal("0")), output_field=_money)
        return (
            Convention.objects.for_user(self.request.user)
            .select_related("action__appel", "financeur")
            .prefetch_related("montants_annuels", "versements")
            .annotate(montant_verse=verse)
            .annotate(reste_a_verser=F("montant") - F("montant_verse"))
            .order_by("-action__appel__annee", "action__intitule", "financeur__nom", "pk")
        )


@extend_schema_view(
    list=extend_schema(summary="Les bilans des actions"),
    retrieve=extend_schema(summary="Un bilan"),
)
class BilanViewSet(ProgrammationViewSet):
    """Les bilans (CERFA 15059, partie qualitative) des actions que vous suivez, avec les
    bénéficiaires par quartier. Le budget réalisé figure sur les lignes de budget de
    l'action, les valeurs atteintes sur ses indicateurs."""

    model = Bilan
    serializer_class = BilanActionSerializer
    filterset_class = BilanFilter
    select = ["action__appel"]
    prefetch = ["quartiers__quartier"]

    def get_queryset(self):
        return super().get_queryset().order_by("-action__appel__annee", "action__intitule", "pk")
