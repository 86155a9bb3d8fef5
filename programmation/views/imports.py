"""The import of the programming history of earlier years: the template, the contract's
programmation in the same layout, and the upload with its report."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from cdv.enums import RoleCode
from cdv.excel import workbook_response
from cdv.imports_xlsx import xlsx_valider
from cdv.models import Contrat
from cdv.selectors import contrat_courant
from cdv.services_exports import trop_gros
from cdv.views_exports import export_differer
from programmation import perms
from programmation.imports import (
    programmation_export_rows,
    programmation_import,
    programmation_workbook,
)
from programmation.models import Action

TAILLE_MAX = 5 * 1024 * 1024
EXTENSIONS = (".xlsx", ".csv")


class ImportForm(forms.Form):
    fichier = forms.FileField(
        label="Fichier à importer",
        help_text="Classeur Excel (.xlsx) au format du modèle, ou fichier CSV séparé par des "
        "points-virgules avec les mêmes colonnes ; 5 Mo au plus.",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(EXTENSIONS)}),
    )

    def clean_fichier(self):
        fichier = self.cleaned_data["fichier"]
        if not fichier.name.lower().endswith(EXTENSIONS):
            raise forms.ValidationError("Choisissez un fichier .xlsx ou .csv.")
        if fichier.size > TAILLE_MAX:
            raise forms.ValidationError("Le fichier dépasse 5 Mo : découpez-le par année.")
        xlsx_valider(fichier)
        return fichier


def _contrat(request):
    """The contract named by the request (`contrat`) among those the user follows, else
    the current one; None when the user follows none. Only the contract's PDV team may
    import into it."""
    user = request.user
    if not (user.is_superuser or user.has_role(RoleCode.ADMIN_PDV)):
        raise PermissionDenied
    contrat_id = request.POST.get("contrat") or request.GET.get("contrat")
    if contrat_id:
        if not str(contrat_id).isdigit():
            raise Http404("Contrat inconnu.")
        contrat = get_object_or_404(Contrat.objects.for_user(user), pk=contrat_id)
    else:
        contrat = contrat_courant(request)
    if contrat is not None and not perms.can_import_programmation(user, contrat):
        raise PermissionDenied
    return contrat


def _filename(prefix, contrat):
    return f"{prefix}-{contrat.code or contrat.pk}.xlsx"


def import_programmation(request):
    """Upload a file of earlier years' programming: every error with its line and column,
    nothing written; or what was created and updated."""
    contrat = _contrat(request)
    context = {"contrat": contrat}
    if contrat is None:
        return render(request, "programmation/import_programmation.html", context)
    form = ImportForm()
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            context["resultat"] = programmation_import(
                contrat=contrat, fichier=form.cleaned_data["fichier"], user=request.user
            )
    context["form"] = form
    context["annees"] = f"{contrat.annee_debut}–{contrat.annee_fin}"
    return render(request, "programmation/import_programmation.html", context)


def import_modele(request):
    """The empty template of the import for the contract, with its "Mode d'emploi"."""
    contrat = _contrat(request)
    if contrat is None:
        raise Http404("Aucun contrat suivi.")
    workbook = programmation_workbook(contrat=contrat)
    return workbook_response(workbook, _filename("modele-import-programmation", contrat))


def import_export(request):
    """The contract's programmation as the user sees it, in the import's layout; built by a
    task above EXPORT_SYNC_MAX_LIGNES actions."""
    contrat = _contrat(request)
    if contrat is None:
        raise Http404("Aucun contrat suivi.")
    actions = Action.objects.for_user(request.user).filter(appel__contrat=contrat)
    if trop_gros(actions.count()):
        return export_differer(request, contrat=contrat, kind="programmation_import", params={})
    rows = programmation_export_rows(actions)
    workbook = programmation_workbook(contrat=contrat, rows=rows)
    return workbook_response(workbook, _filename("programmation", contrat))
