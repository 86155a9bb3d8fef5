"""The portrait of a quartier as JSON, read from the same selector as the page and the
workbook (quartiers.portrait): GET /api/v1/quartiers/quartiers/<pk>/portrait/."""

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from cdv.api import LoginNotRequiredMixin
from quartiers.models import Quartier
from quartiers.portrait import portrait


def _decimal(**kwargs):
    return serializers.DecimalField(max_digits=15, decimal_places=3, allow_null=True, **kwargs)


class MesureSerializer(serializers.Serializer):
    valeur = _decimal(help_text="Vide quand la valeur est secrète ou inconnue (jamais 0).")
    secret = serializers.BooleanField(help_text="Secret statistique : affiché « s ».")
    millesime = serializers.IntegerField(allow_null=True)
    texte = serializers.CharField(help_text="Comme sur le portrait : « s », « — » ou la valeur.")


class EcartSerializer(serializers.Serializer):
    valeur = _decimal(help_text="Quartier − référence (en points pour un pourcentage).")
    texte = serializers.CharField()
    tendance = serializers.CharField(help_text="reduit, creuse, stable ou non_calculable.")
    tendance_texte = serializers.CharField()


class ReferenceSerializer(serializers.Serializer):
    kind = serializers.CharField()
    code = serializers.CharField()
    nom = serializers.CharField()
    valeur = MesureSerializer()
    ecart = EcartSerializer()


class LignePortraitSerializer(serializers.Serializer):
    code = serializers.CharField(source="indicateur.code")
    libelle = serializers.CharField(source="indicateur.libelle")
    unite = serializers.CharField(source="indicateur.unite")
    theme = serializers.CharField(source="indicateur.theme")
    valeur = MesureSerializer()
    precedente = MesureSerializer()
    references = serializers.SerializerMethodField()
    geographie_precedente = serializers.BooleanField()

    @extend_schema_field(ReferenceSerializer(many=True))
    def get_references(self, ligne):
        return ReferenceSerializer(
            [
                {
                    "kind": c["territoire"].kind,
                    "code": c["territoire"].code,
                    "nom": c["territoire"].nom,
                    "valeur": c["valeur"],
                    "ecart": c["ecart"],
                }
                for c in ligne.colonnes
            ],
            many=True,
        ).data


class PortraitSerializer(serializers.Serializer):
    quartier_id = serializers.IntegerField(source="quartier.pk")
    code = serializers.CharField(source="quartier.code")
    nom = serializers.CharField(source="quartier.nom")
    population = serializers.IntegerField(source="quartier.population", allow_null=True)
    indicateurs = LignePortraitSerializer(source="lignes_liste", many=True)


class PortraitView(LoginNotRequiredMixin, APIView):
    """Le portrait d'un quartier que vous suivez : chaque indicateur au dernier millésime,
    à côté de sa commune, de son EPCI et de son millésime précédent, avec l'écart et sa
    tendance."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=PortraitSerializer)
    def get(self, request, pk):
        quartier = get_object_or_404(
            Quartier.objects.for_user(request.user).select_related(
                "contrat", "territoire__parent__parent"
            ),
            pk=pk,
        )
        data = portrait(quartier=quartier, user=request.user)
        return Response(PortraitSerializer(data).data)


route = path("quartiers/<int:pk>/portrait/", PortraitView.as_view(), name="api-quartiers-portrait")
