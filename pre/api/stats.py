"""PRE API: stats. The PRE's statistics as JSON for the same readers as the page (PRE staff,
admin PDV, partners of the contract), masked the same way: a masked cell is the string
« < 3 » (or « secret »), any other an integer. `routes`: (prefix, viewset, basename) for the
router; `urlpatterns`: any other route."""

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from cdv.api import LoginNotRequiredMixin
from pre import selectors
from pre.views_stats import PeriodeForm


def _ligne(ligne):
    return {"code": ligne.code, "libelle": ligne.libelle, "valeurs": ligne.valeurs}


def _donnees(stats):
    return {
        "contrat_id": stats.contrat_id,
        "annees": stats.annees,
        "seuil_masquage": stats.seuil,
        "repartitions": [
            {
                "code": r.code,
                "titre": r.titre,
                "mesures": [{"code": code, "libelle": libelle} for code, libelle in r.mesures],
                "lignes": [_ligne(ligne) for ligne in r.lignes],
                "total": _ligne(r.total),
            }
            for r in stats.repartitions
        ],
    }


class StatistiquesView(LoginNotRequiredMixin, APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="pre_statistiques",
        parameters=[
            OpenApiParameter(
                "contrat",
                OpenApiTypes.INT,
                description="Contrat (par défaut : le premier dont vous lisez les statistiques).",
            ),
            OpenApiParameter("debut", OpenApiTypes.INT, description="Première année."),
            OpenApiParameter("fin", OpenApiTypes.INT, description="Dernière année."),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        """Les statistiques anonymes du PRE d'un contrat : file active, entrées et sorties
        par année, par sexe, tranche d'âge, quartier, équipe d'EPS, origine du repérage,
        adhésion et motif de sortie. Les effectifs inférieurs au seuil sont masqués."""
        contrats = selectors.contrats_statistiques(request.user).order_by("nom", "pk")
        contrat_id = request.query_params.get("contrat", "")
        if contrat_id:
            if not contrat_id.isdigit():
                raise ValidationError({"contrat": ["Indiquez le numéro du contrat."]})
            contrat = get_object_or_404(contrats, pk=contrat_id)
        else:
            contrat = contrats.first()
            if contrat is None:
                raise PermissionDenied("Vous ne lisez les statistiques du PRE d'aucun contrat.")
        form = PeriodeForm(request.query_params, contrat=contrat)
        if not form.is_valid():
            errors = form.errors.get_json_data()
            raise ValidationError({k: [e["message"] for e in v] for k, v in errors.items()})
        stats = selectors.statistiques(
            user=request.user, contrat=contrat, annees=form.cleaned_data["annees"]
        )
        return Response(_donnees(stats.masquees()))


routes = []
urlpatterns = [path("statistiques/", StatistiquesView.as_view(), name="pre-statistiques")]
