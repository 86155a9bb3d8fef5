"""CitésLab API: stats. The activity report as JSON for the same readers as the page: exact
for the contract's CitésLab staff, masked for the PDV team and the partners (a masked cell is
the string « < 3 » or « secret », any other an integer). Never a name."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from cdv.api import LoginNotRequiredMixin
from cdv.models import Contrat
from cdv.selectors import contrat_courant
from citeslab import selectors
from citeslab.perms import can_view_citeslab_stats
from citeslab.views_rapport import PeriodeForm

REFUS = "Vous ne lisez pas les statistiques de CitésLab de ce contrat."


class PeriodeApiForm(PeriodeForm):
    FORMATS = ["%Y-%m-%d"]
    MESSAGE_FORMAT = "Indiquez une date au format AAAA-MM-JJ (exemple : 2026-11-25)."


def _ligne(ligne):
    return {"code": ligne.code, "libelle": ligne.libelle, "valeurs": ligne.valeurs}


def _evenement(ligne):
    return {
        "code": ligne.code,
        "libelle": ligne.libelle,
        "nombre": ligne.nombre,
        "participants": ligne.participants,
    }


def donnees(rapport):
    """The report as JSON-ready data."""
    return {
        "contrat_id": rapport.contrat_id,
        "debut": rapport.debut.isoformat(),
        "fin": rapport.fin.isoformat(),
        "masque": rapport.masque,
        "seuil_masquage": rapport.seuil,
        "entonnoir": [
            {"code": ligne.code, "libelle": ligne.libelle, "effectif": ligne.valeurs["effectif"]}
            for ligne in rapport.entonnoir
        ],
        "repartitions": [
            {
                "code": r.code,
                "titre": r.titre,
                "etapes": [{"code": code, "libelle": libelle} for code, libelle in r.mesures],
                "lignes": [_ligne(ligne) for ligne in r.lignes],
                "total": _ligne(r.total),
            }
            for r in rapport.repartitions
        ],
        "evenements": {
            "lignes": [_evenement(ligne) for ligne in rapport.evenements],
            "total": _evenement(rapport.evenements_total),
        },
    }


def _contrat(request):
    """The contract named by `?contrat=` among those the user follows, else the current one."""
    contrat_id = request.query_params.get("contrat", "")
    if not contrat_id:
        return contrat_courant(request)
    if not contrat_id.isdigit():
        raise ValidationError({"contrat": ["Indiquez le numéro du contrat."]})
    return get_object_or_404(Contrat.objects.for_user(request.user), pk=contrat_id)


class StatistiquesView(LoginNotRequiredMixin, APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="citeslab_statistiques",
        parameters=[
            OpenApiParameter(
                "contrat",
                OpenApiTypes.INT,
                description="Contrat (par défaut : le contrat courant).",
            ),
            OpenApiParameter(
                "debut", OpenApiTypes.DATE, description="Premier jour (par défaut : 1er janvier)."
            ),
            OpenApiParameter(
                "fin", OpenApiTypes.DATE, description="Dernier jour (par défaut : 31 décembre)."
            ),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        """Le rapport d'activité de CitésLab du contrat courant sur une période : personnes
        touchées, accompagnées, orientées, créateurs et entreprises créées, par sexe, tranche
        d'âge, lieu de résidence, canal d'entrée et situation vis-à-vis de l'emploi ; les
        événements par type. Les petits effectifs sont masqués, sauf pour l'équipe
        CitésLab du contrat."""
        contrat = _contrat(request)
        form = PeriodeApiForm(request.query_params)
        if contrat is None or not form.is_valid():
            if contrat is None or not can_view_citeslab_stats(request.user, contrat):
                raise PermissionDenied(REFUS)
            errors = form.errors.get_json_data()
            raise ValidationError({k: [e["message"] for e in v] for k, v in errors.items()})
        try:
            # Checks the reader itself: its staff and partners only.
            rapport = selectors.rapport(
                user=request.user,
                contrat=contrat,
                debut=form.cleaned_data["debut"],
                fin=form.cleaned_data["fin"],
            )
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(REFUS) from exc
        return Response(donnees(rapport))


routes = []
urlpatterns = [path("stats/", StatistiquesView.as_view(), name="citeslab-stats")]
