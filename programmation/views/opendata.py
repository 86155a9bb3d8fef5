"""Open data of the granted subsidies (SCDL): the staff page that publishes a year, and the
public file, downloadable without an account once its year is published."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from cdv.models import Contrat
from cdv.selectors import contrat_courant
from programmation import perms, scdl


def _contrat_publiable(request):
    contrat = contrat_courant(request)
    if contrat is None or not perms.can_publish_opendata(request.user, contrat):
        raise PermissionDenied
    return contrat


@require_GET
def opendata(request):
    """The contract's years: subsidies to publish, total, publication state."""
    contrat = _contrat_publiable(request)
    annees = scdl.annees_scdl(contrat=contrat)
    anomalies = [
        s
        for s in scdl.subventions(contrat=contrat, annees=[a.annee for a in annees])
        if s.anomalies or s.avertissements
    ]
    return render(
        request,
        "programmation/opendata.html",
        {"contrat": contrat, "annees": annees, "anomalies": anomalies},
    )


@require_http_methods(["GET", "POST"])
def opendata_publication(request, annee, publier):
    """Confirm, then publish (or withdraw) the subsidies of `annee`."""
    contrat = _contrat_publiable(request)
    if not contrat.annee_debut <= annee <= contrat.annee_fin:
        raise Http404
    if request.method == "POST":
        try:
            if publier:
                scdl.publication_publish(contrat=contrat, annee=annee, user=request.user)
                messages.success(
                    request,
                    f"Les subventions {annee} sont publiées : le fichier est téléchargeable "
                    "sans compte.",
                )
            else:
                scdl.publication_withdraw(contrat=contrat, annee=annee, user=request.user)
                messages.success(request, f"La publication des subventions {annee} est retirée.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("programmation:opendata")
    annee_scdl = next(a for a in scdl.annees_scdl(contrat=contrat) if a.annee == annee)
    return render(
        request,
        "programmation/opendata_confirmation.html",
        {"contrat": contrat, "annee": annee_scdl, "publier": publier},
    )


def reponse_csv(contrat, annee):
    """The SCDL file of `annee` as a download (shared with the API)."""
    lignes = scdl.subventions_publiables(contrat=contrat, annee=annee)
    response = HttpResponse(scdl.csv_subventions(lignes), content_type="text/csv; charset=utf-8")
    nom = f"subventions-{contrat.code or contrat.pk}-{annee}.csv"
    response["Content-Disposition"] = f'attachment; filename="{nom}"'
    # Open data: other sites (data.gouv.fr, portals) may fetch it.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def contrat_et_annee_lisibles(user, pk, annee):
    """The contract whose file of `annee` `user` may read: anyone once published, its
    staff before (preview); 404 otherwise, saying nothing of what exists."""
    contrat = get_object_or_404(Contrat.objects.filter(pk=pk))  # unscoped: public open data
    if not (scdl.est_publiee(contrat, annee) or perms.can_publish_opendata(user, contrat)):
        raise Http404
    return contrat


@login_not_required
@require_GET
def subventions_csv(request, pk, annee):
    """Public: the granted subsidies of a published year, SCDL CSV."""
    contrat = contrat_et_annee_lisibles(request.user, pk, annee)
    return reponse_csv(contrat, annee)
