"""The import of indicator values: the template to fill and the upload with its report."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from cdv.excel import workbook_response
from cdv.imports_xlsx import xlsx_valider
from quartiers import perms
from quartiers.imports import COLONNES, indicateurs_import, indicateurs_workbook

TAILLE_MAX = 5 * 1024 * 1024
EXTENSIONS = (".xlsx", ".csv")


class ImportForm(forms.Form):
    fichier = forms.FileField(
        label="Fichier à importer",
        help_text="Classeur Excel (.xlsx) au format du modèle, ou fichier CSV en UTF-8 séparé "
        "par des points-virgules ou des virgules, avec les mêmes colonnes ; 5 Mo au plus.",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(EXTENSIONS)}),
    )

    def clean_fichier(self):
        fichier = self.cleaned_data["fichier"]
        if not fichier.name.lower().endswith(EXTENSIONS):
            raise forms.ValidationError("Choisissez un fichier .xlsx ou .csv.")
        if fichier.size > TAILLE_MAX:
            raise forms.ValidationError("Le fichier dépasse 5 Mo : découpez-le par indicateur.")
        xlsx_valider(fichier)
        return fichier


def _check(request):
    if not perms.can_import_indicateurs(request.user):
        raise PermissionDenied


def import_indicateurs(request):
    """Upload a file of indicator values: every error with its line and column and nothing
    written, or how many values were created, updated and left unchanged."""
    _check(request)
    context = {"colonnes": COLONNES}
    form = ImportForm()
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            context["resultat"] = indicateurs_import(
                fichier=form.cleaned_data["fichier"], user=request.user
            )
    context["form"] = form
    return render(request, "quartiers/import_indicateurs.html", context)


def import_indicateurs_modele(request):
    """The template of the import, with its "Mode d'emploi" and the codes to use."""
    _check(request)
    workbook = indicateurs_workbook(user=request.user)
    return workbook_response(workbook, "modele-import-indicateurs.xlsx")
