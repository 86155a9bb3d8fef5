"""The bilan physico-financier as JSON, read from the same selector as the page and the
workbook."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from cdv.api import CanReadRole, LoginNotRequiredMixin
from cdv.models import Contrat
from programmation import perms, selectors
from programmation.views.pilotage import PeriodeForm


def _money(**kwargs):
    return serializers.DecimalField(max_digits=14, decimal_places=2, **kwargs)


def _ratio(**kwargs):
    return serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True, **kwargs)


class BilanAnneeSerializer(serializers.Serializer):
    annee = serializers.IntegerField(allow_null=True, help_text="Vide sur la ligne des totaux.")
    nb_actions = serializers.IntegerField()
    credits_specifiques = _money()
    autres_financements = _money(help_text="Tout ce qui est accordé hors crédits spécifiques.")
    total_accorde = _money()
    taux_cofinancement = _ratio(help_text="Autres financements / crédits spécifiques.")
    nb_reconductions = serializers.IntegerField()
    montant_reconductions = _money()
    nb_nouvelles = serializers.IntegerField()
    montant_nouvelles = _money()
    evolution_montant = _money(allow_null=True, help_text="Écart avec l'année précédente.")
    evolution_pourcentage = _ratio(help_text="Écart rapporté à l'année précédente.")
    evolution_nb_actions = serializers.IntegerField(allow_null=True)


class BilanPilierSerializer(serializers.Serializer):
    pilier_id = serializers.IntegerField(allow_null=True)
    nom = serializers.CharField()
    nb_actions = serializers.IntegerField()
    credits_specifiques = _money()
    part = _ratio()


class BilanQuartierSerializer(serializers.Serializer):
    quartier_id = serializers.IntegerField()
    nom = serializers.CharField()
    code = serializers.CharField()
    nb_actions = serializers.IntegerField()
    credits_specifiques = _money()
    part = _ratio()


class BilanFinanceurSerializer(serializers.Serializer):
    financeur_id = serializers.IntegerField()
    nom = serializers.CharField()
    nb_actions = serializers.IntegerField()
    credits_specifiques = _money()
    droit_commun = _money()
    total_accorde = _money()
    part = _ratio()


class BilanPhysicoFinancierSerializer(serializers.Serializer):
    contrat_id = serializers.IntegerField()
    annee_min = serializers.IntegerField()
    annee_max = serializers.IntegerField()
    annees = BilanAnneeSerializer(many=True)
    piliers = BilanPilierSerializer(many=True)
    quartiers = BilanQuartierSerializer(many=True)
    financeurs = BilanFinanceurSerializer(many=True)
    totaux = BilanAnneeSerializer()
    non_ventile = _money(help_text="Crédits spécifiques qu'aucune part de quartier ne couvre.")


class BilanPhysicoFinancierView(LoginNotRequiredMixin, APIView):
    permission_classes = [IsAuthenticated, CanReadRole]
    read_rule = staticmethod(perms.can_view_programmation)

    @extend_schema(
        operation_id="programmation_bilan_physico_financier",
        parameters=[
            OpenApiParameter("contrat", OpenApiTypes.INT, required=True, description="Contrat."),
            OpenApiParameter(
                "annee_min",
                OpenApiTypes.INT,
                description="Première année (par défaut : la première du contrat).",
            ),
            OpenApiParameter(
                "annee_max",
                OpenApiTypes.INT,
                description="Dernière année (par défaut : l'année en cours, dans le contrat).",
            ),
        ],
        responses=BilanPhysicoFinancierSerializer,
    )
    def get(self, request):
        """Le bilan physico-financier d'un contrat que vous suivez, sur une période : crédits
        spécifiques et actions par année, pilier, quartier et financeur, reconductions,
        cofinancement et évolution d'une année sur l'autre. Montants en chaînes décimales."""
        contrat_id = request.query_params.get("contrat", "")
        if not contrat_id.isdigit():
            raise ValidationError({"contrat": ["Indiquez le numéro du contrat."]})
        contrat = get_object_or_404(Contrat.objects.for_user(request.user), pk=contrat_id)
        form = PeriodeForm(request.query_params, contrat=contrat)
        if not form.is_valid():
            errors = form.errors.get_json_data()
            raise ValidationError(
                {name: [e["message"] for e in errs] for name, errs in errors.items()}
            )
        bilan = selectors.bilan_physico_financier(
            contrat=contrat,
            annee_min=form.cleaned_data["annee_min"],
            annee_max=form.cleaned_data["annee_max"],
            user=request.user,
        )
        return Response(BilanPhysicoFinancierSerializer(bilan).data)
