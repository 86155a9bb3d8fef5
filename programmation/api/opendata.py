"""Open data of the granted subsidies (SCDL), public: the published years of each contract
and their CSV files (the same file as the public page's)."""

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from cdv.api import LoginNotRequiredMixin
from programmation.models import PublicationSCDL
from programmation.views.opendata import contrat_et_annee_lisibles, reponse_csv


class PublicationSerializer(serializers.Serializer):
    contrat = serializers.IntegerField(source="contrat_id")
    contrat_nom = serializers.CharField(source="contrat.nom")
    contrat_code = serializers.CharField(source="contrat.code", allow_null=True)
    annee = serializers.IntegerField()
    publie_le = serializers.DateTimeField()
    url_csv = serializers.SerializerMethodField()

    def get_url_csv(self, publication) -> str:
        return reverse(
            "api-programmation-opendata-csv",
            kwargs={"pk": publication.contrat_id, "annee": publication.annee},
            request=self.context.get("request"),
        )


class PublicationListView(LoginNotRequiredMixin, APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="programmation_opendata_list",
        parameters=[OpenApiParameter("contrat", OpenApiTypes.INT, description="Contrat.")],
        responses=PublicationSerializer(many=True),
    )
    def get(self, request):
        """Public, sans compte : les années publiées en données ouvertes, par contrat, avec
        l'adresse de leur fichier CSV des subventions accordées (format SCDL)."""
        publications = PublicationSCDL.objects.select_related(  # unscoped: public open data
            "contrat"
        ).order_by("contrat__nom", "contrat_id", "-annee")
        contrat = request.query_params.get("contrat", "")
        if contrat.isdigit():
            publications = publications.filter(contrat_id=contrat)
        data = PublicationSerializer(publications, many=True, context={"request": request}).data
        return Response(data)


class SubventionsCsvView(LoginNotRequiredMixin, APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="programmation_opendata_csv",
        responses={(200, "text/csv"): OpenApiTypes.STR},
    )
    def get(self, request, pk, annee):
        """Public, sans compte : les subventions accordées d'une année publiée, au format
        SCDL « subventions » (CSV UTF-8, séparateur virgule). 404 si l'année n'est pas
        publiée (l'équipe du contrat peut en prévisualiser le fichier)."""
        contrat = contrat_et_annee_lisibles(request.user, pk, annee)
        return reponse_csv(contrat, annee)


urlpatterns = [
    path("", PublicationListView.as_view(), name="api-programmation-opendata"),
    path(
        "<int:pk>/subventions-<int:annee>.csv",
        SubventionsCsvView.as_view(),
        name="api-programmation-opendata-csv",
    ),
]
