"""Pages of the background exports: request, progress (page and JSON), download, list, and
the evaluation workbook's form."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from cdv.models_exports import EtatExport, Export
from cdv.selectors import contrat_courant
from cdv.services_exports import PeriodeEvaluationForm, can_export_evaluation, export_demander

# Fields of a request form that are not the export's parameters.
HORS_PARAMETRES = {"csrfmiddlewaretoken", "kind", "next"}


def export_differer(request, *, contrat, kind, params):
    """A download too big for the request (services_exports.trop_gros): queue the same file
    and send the user to its progress page."""
    export = export_demander(user=request.user, contrat=contrat, kind=kind, params=params)
    messages.info(
        request,
        "Ce fichier compte beaucoup de lignes : il se prépare en arrière-plan, "
        "vous pourrez le télécharger ici dès qu'il sera prêt.",
    )
    return redirect("export_detail", pk=export.pk)


def _exports(user):
    return Export.objects.for_user(user).select_related("contrat")


def _retour(request):
    cible = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        cible, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return cible
    return reverse("export_list")


@require_POST
def export_request(request):
    """A button of any page: `kind` and the export's parameters as fields."""
    contrat = contrat_courant(request)
    if contrat is None:
        messages.error(request, "Choisissez d'abord un contrat.")
        return redirect(_retour(request))
    params = {
        name: valeurs[0] if len(valeurs) == 1 else valeurs
        for name, valeurs in request.POST.lists()
        if name not in HORS_PARAMETRES
    }
    try:
        export = export_demander(
            user=request.user, contrat=contrat, kind=request.POST.get("kind", ""), params=params
        )
    except ValidationError as erreur:
        for message in erreur.messages:
            messages.error(request, message)
        return redirect(_retour(request))
    return redirect("export_detail", pk=export.pk)


def export_list(request):
    exports = _exports(request.user)[:100]
    return render(request, "cdv/export_list.html", {"exports": exports})


def export_detail(request, pk):
    export = get_object_or_404(_exports(request.user), pk=pk)
    return render(request, "cdv/export_detail.html", {"export": export, "etat": _etat(export)})


def _etat(export):
    """What the progress page shows, and its JSON endpoint returns."""
    pret = export.etat == EtatExport.PRET
    return {
        "etat": export.etat,
        "etat_libelle": export.get_etat_display(),
        "progression": export.progression,
        "message": export.message,
        "termine": export.est_termine,
        "telechargement": reverse("export_download", args=[export.pk]) if pret else None,
        "taille": export.taille_lisible if pret else "",
    }


def export_status(request, pk):
    export = get_object_or_404(Export.objects.for_user(request.user), pk=pk)
    response = JsonResponse(_etat(export))
    response["Cache-Control"] = "no-store"
    return response


def export_download(request, pk):
    export = get_object_or_404(_exports(request.user), pk=pk)
    if export.etat != EtatExport.PRET or not export.fichier:
        raise Http404("Ce fichier n'est pas prêt.")
    try:
        stream = export.fichier.open("rb")
    except FileNotFoundError:
        raise Http404("Le fichier est introuvable.") from None
    return FileResponse(stream, as_attachment=True, filename=export.nom_fichier)


def export_evaluation(request):
    """The period of the evaluation workbook, then its progress page."""
    if not can_export_evaluation(request.user):
        raise PermissionDenied
    contrat = contrat_courant(request)
    form = None
    if contrat is not None:
        initial = {"annee_debut": contrat.annee_debut, "annee_fin": contrat.annee_fin}
        data = request.POST if request.method == "POST" else None
        form = PeriodeEvaluationForm(data, initial=initial, contrat=contrat)
        if form.is_valid():
            export = export_demander(
                user=request.user, contrat=contrat, kind="evaluation", params=form.cleaned_data
            )
            return redirect("export_detail", pk=export.pk)
    return render(request, "cdv/export_evaluation.html", {"contrat": contrat, "form": form})
