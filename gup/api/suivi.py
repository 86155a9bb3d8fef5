"""GUP API: suivi. The statistics and the documents de suivi as JSON, read from the same
selectors as the pages and the workbooks. `routes`: (prefix, viewset, basename) for the
router; `urlpatterns`: any other route."""

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from cdv.api import CanReadRole, LoginNotRequiredMixin
from gup import perms, selectors
from gup.views_suivi import AnneeForm, StatsForm, _annees


def _jours(**kwargs):
    return serializers.DecimalField(
        max_digits=8, decimal_places=1, allow_null=True, coerce_to_string=False, **kwargs
    )


def _form_errors(form):
    errors = form.errors.get_json_data()
    return {name: [e["message"] for e in errs] for name, errs in errors.items()}


class StatOrganisationSerializer(serializers.Serializer):
    organisation_id = serializers.IntegerField(
        allow_null=True, help_text="Vide : signalements non attribués (ou ligne d'ensemble)."
    )
    nom = serializers.CharField()
    recus = serializers.IntegerField()
    resolus = serializers.IntegerField()
    ouverts = serializers.IntegerField()
    en_retard = serializers.IntegerField(help_text="Ouverts dont l'échéance est dépassée.")
    dans_delai = serializers.IntegerField(help_text="Résolus au plus tard le jour de l'échéance.")
    resolus_avec_echeance = serializers.IntegerField()
    mediane = _jours(help_text="Délai de traitement médian en jours (rang le plus proche).")
    p90 = _jours(help_text="9e décile du délai de traitement en jours (rang le plus proche).")
    part_dans_delai = serializers.DecimalField(
        max_digits=6, decimal_places=4, allow_null=True, coerce_to_string=False
    )


class StatAnneeSerializer(serializers.Serializer):
    annee = serializers.IntegerField(help_text="Année de signalement.")
    recus = serializers.IntegerField()
    resolus = serializers.IntegerField()
    mediane = _jours()


class StatCategorieQuartierSerializer(serializers.Serializer):
    categorie = serializers.CharField()
    quartier = serializers.CharField()
    par_etat = serializers.DictField(child=serializers.IntegerField())
    total = serializers.IntegerField()


class StatistiquesSerializer(serializers.Serializer):
    contrat_id = serializers.IntegerField()
    annees = serializers.ListField(child=serializers.IntegerField())
    quartier_id = serializers.IntegerField(allow_null=True)
    today = serializers.DateField(help_text="Date à laquelle les retards sont comptés.")
    organisations = StatOrganisationSerializer(many=True)
    total = StatOrganisationSerializer()
    evolution = StatAnneeSerializer(many=True)
    categories_quartiers = StatCategorieQuartierSerializer(many=True)


class LigneSuiviSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="signalement.pk")
    quartier = serializers.CharField(source="signalement.quartier.nom")
    diagnostic_id = serializers.IntegerField(source="signalement.diagnostic_id", allow_null=True)
    categorie = serializers.CharField(source="signalement.categorie.libelle")
    description = serializers.CharField(source="signalement.description")
    adresse = serializers.CharField(source="signalement.adresse")
    organisation_responsable = serializers.CharField(
        source="signalement.organisation_responsable.nom", allow_null=True, default=None
    )
    etat = serializers.CharField(source="signalement.etat")
    etat_libelle = serializers.CharField(source="signalement.get_etat_display")
    signale_le = serializers.DateTimeField(source="signalement.signale_le")
    transmis_le = serializers.DateTimeField(source="signalement.transmis_le", allow_null=True)
    resolu_le = serializers.DateTimeField(source="signalement.resolu_le", allow_null=True)
    echeance = serializers.DateField(source="signalement.echeance", allow_null=True)
    delai = _jours(help_text="Délai de traitement en jours (signalements résolus).")
    age = serializers.IntegerField(allow_null=True, help_text="Âge en jours (ouverts).")
    en_retard = serializers.BooleanField()
    jours_retard = serializers.IntegerField(allow_null=True)


class DocumentSuiviSerializer(serializers.Serializer):
    titre = serializers.CharField()
    today = serializers.DateField()
    nb_ouverts = serializers.IntegerField()
    nb_resolus = serializers.IntegerField()
    nb_en_retard = serializers.IntegerField()
    lignes = LigneSuiviSerializer(many=True)


class GupReadView(LoginNotRequiredMixin, APIView):
    permission_classes = [IsAuthenticated, CanReadRole]
    read_rule = staticmethod(perms.can_view_gup)


class StatistiquesView(GupReadView):
    @extend_schema(
        operation_id="gup_statistiques",
        parameters=[
            OpenApiParameter(
                "contrat",
                OpenApiTypes.INT,
                description="Contrat (par défaut : le premier que vous suivez).",
            ),
            OpenApiParameter(
                "annee",
                OpenApiTypes.INT,
                many=True,
                description="Années de signalement (répétable ; aucune : toutes).",
            ),
            OpenApiParameter("quartier", OpenApiTypes.INT, description="Un quartier."),
        ],
        responses=StatistiquesSerializer,
    )
    def get(self, request):
        """Les statistiques GUP d'un contrat, telles que vous les voyez (un intervenant GUP :
        les signalements de son organisation) : par organisation responsable, par année de
        signalement, par catégorie, quartier et état. Délais en jours."""
        contrats = selectors.contrats_suivis(request.user).order_by("nom", "pk")
        contrat_id = request.query_params.get("contrat", "")
        if contrat_id:
            if not contrat_id.isdigit():
                raise ValidationError({"contrat": ["Indiquez le numéro du contrat."]})
            contrat = get_object_or_404(contrats, pk=contrat_id)
        else:
            contrat = contrats.first()
            if contrat is None:
                raise ValidationError({"contrat": ["Vous ne suivez aucun contrat."]})
        form = StatsForm(request.query_params, contrat=contrat, user=request.user)
        if not form.is_valid():
            raise ValidationError(_form_errors(form))
        stats = selectors.statistiques(
            contrat=contrat,
            user=request.user,
            annees=form.cleaned_data["annee"],
            quartier=form.cleaned_data["quartier"],
        )
        return Response(StatistiquesSerializer(stats).data)


class SuiviQuartierView(GupReadView):
    @extend_schema(
        operation_id="gup_suivi_quartier",
        parameters=[
            OpenApiParameter("annee", OpenApiTypes.INT, description="Année de signalement."),
        ],
        responses=DocumentSuiviSerializer,
    )
    def get(self, request, pk):
        """Le document de suivi d'un quartier : chaque signalement que vous voyez, ses dates,
        son délai de traitement ou son âge et son retard."""
        quartier = get_object_or_404(selectors.quartiers_suivis(request.user), pk=pk)
        form = AnneeForm(request.query_params, annees=_annees(quartier.contrat))
        if not form.is_valid():
            raise ValidationError(_form_errors(form))
        document = selectors.suivi_quartier(
            quartier=quartier, user=request.user, annee=form.cleaned_data["annee"]
        )
        return Response(DocumentSuiviSerializer(document).data)


class SuiviDiagnosticView(GupReadView):
    @extend_schema(operation_id="gup_suivi_diagnostic", responses=DocumentSuiviSerializer)
    def get(self, request, pk):
        """Le document de suivi d'un diagnostic en marchant : les signalements relevés
        pendant la marche que vous voyez."""
        diagnostic = get_object_or_404(selectors.diagnostics_suivis(request.user), pk=pk)
        document = selectors.suivi_diagnostic(diagnostic=diagnostic, user=request.user)
        return Response(DocumentSuiviSerializer(document).data)


routes = []
urlpatterns = [
    path("statistiques/", StatistiquesView.as_view(), name="api-gup-statistiques"),
    path("suivi/quartiers/<int:pk>/", SuiviQuartierView.as_view(), name="api-gup-suivi-quartier"),
    path(
        "suivi/diagnostics/<int:pk>/",
        SuiviDiagnosticView.as_view(),
        name="api-gup-suivi-diagnostic",
    ),
]
