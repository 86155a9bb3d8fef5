"""Viewsets of the quartiers' API: scoped reads (`for_user()`), the perimeters as GeoJSON
and the gaps table through the selector of the page (quartiers.ecarts)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from cdv.api import CanReadRole, LoginNotRequiredMixin, ScopedViewSet
from cdv.models import Contrat
from quartiers import ecarts, filters, perms
from quartiers.api import serializers
from quartiers.enums import TerritoireKind
from quartiers.geojson import feature_collection
from quartiers.models import Indicateur, Quartier, Territoire, ValeurIndicateur

NOT_FOUND = "Cet élément n'existe pas ou ne vous est pas accessible."


class TerritoireViewSet(ScopedViewSet):
    """Les territoires de référence et ceux des quartiers (commune, EPCI, département…)."""

    model = Territoire
    serializer_class = serializers.TerritoireSerializer
    filterset_class = filters.TerritoireFilter


class QuartierViewSet(ScopedViewSet):
    """Les quartiers (QPV, QVA) des contrats que vous suivez."""

    model = Quartier
    serializer_class = serializers.QuartierSerializer
    filterset_class = filters.QuartierFilter
    prefetch = ["remplace"]
    lookup_value_regex = r"\d+"

    @extend_schema(
        responses={(200, "application/geo+json"): OpenApiTypes.OBJECT},
        description="Les périmètres des quartiers que vous suivez (ceux qui en ont un), en "
        "GeoJSON : une FeatureCollection en longitude et latitude (WGS 84), chaque Feature "
        "portant id, code, nom, kind et population. Mêmes filtres que la liste.",
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def perimetres(self, request):
        quartiers = self.filter_queryset(self.get_queryset()).exclude(perimetre=None)
        return Response(
            feature_collection(quartiers.order_by("nom", "pk")), content_type="application/geo+json"
        )


class IndicateurViewSet(ScopedViewSet):
    """Le catalogue des indicateurs de quartier : unité, thème, source, sens favorable."""

    model = Indicateur
    serializer_class = serializers.IndicateurQuartierSerializer
    filterset_class = filters.IndicateurFilter


class ValeurViewSet(ScopedViewSet):
    """Les valeurs des indicateurs par territoire et millésime : celles des territoires de
    référence pour toute personne connectée, celles d'un quartier pour les personnes qui
    suivent son contrat. Une valeur sous secret statistique vaut null, avec secret vrai."""

    model = ValeurIndicateur
    serializer_class = serializers.ValeurIndicateurSerializer
    filterset_class = filters.ValeurFilter
    select = ["territoire", "indicateur"]


class EcartsViewSet(LoginNotRequiredMixin, viewsets.ViewSet):
    """Le tableau des écarts entre les quartiers d'un contrat et leur commune ou leur EPCI."""

    permission_classes = [IsAuthenticated, CanReadRole]
    read_rule = staticmethod(perms.can_view_ecarts)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "contrat", int, required=True, description="Identifiant du contrat suivi."
            ),
            OpenApiParameter(
                "reference",
                str,
                enum=list(ecarts.REFERENCES),
                description="Territoire de comparaison : « commune » (par défaut) ou « epci ».",
            ),
        ],
        responses=serializers.EcartsSerializer,
    )
    def list(self, request):
        """Pour chaque quartier du contrat et chaque indicateur : dernière valeur, valeur de
        la référence au même millésime, écart et son évolution depuis le premier millésime."""
        contrat_id = request.query_params.get("contrat", "")
        if not contrat_id.isdigit():
            raise exceptions.ValidationError({"contrat": ["Indiquez l'identifiant du contrat."]})
        reference = request.query_params.get("reference") or TerritoireKind.COMMUNE
        if reference not in ecarts.REFERENCES:
            raise exceptions.ValidationError({"reference": ["Choisissez « commune » ou « epci »."]})
        contrat = get_object_or_404(Contrat.objects.for_user(request.user), pk=contrat_id)
        tableau = ecarts.tableau_ecarts(contrat=contrat, user=request.user, reference=reference)
        data = {
            "contrat": contrat,
            "reference": reference,
            "reference_libelle": tableau.reference_libelle,
            "lignes": tableau.lignes,
        }
        return Response(serializers.EcartsSerializer(data).data)
