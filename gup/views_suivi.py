"""The follow-up of the GUP: the document de suivi of a quartier or a diagnostic en
marchant, and the statistics of the current contract, on screen and in Excel. Every figure
comes from gup.selectors; every record from a for_user() queryset."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.text import slugify

from cdv.excel import workbook_response
from cdv.selectors import contrat_courant
from gup import exports, perms, selectors

ANNEE_MIN = 2000


def _lecteur(request):
    if not perms.can_view_gup(request.user):
        raise PermissionDenied


def contrat_gup(request):
    """The contract of the GUP pages: the current one, else (an intervenant GUP who follows
    no contract) the first one where problems are assigned to its organisation."""
    contrat = contrat_courant(request)
    if contrat is None:
        contrat = selectors.contrats_suivis(request.user).order_by("nom", "pk").first()
    return contrat


def _annees(contrat):
    fin = max(contrat.annee_fin, timezone.localdate().year)
    return list(range(min(contrat.annee_debut, fin), fin + 1))


def _slug(text):
    return slugify(text) or "gup"


# ---------------------------------------------------------------------------------------
# Index and documents de suivi
# ---------------------------------------------------------------------------------------


def suivi_index(request):
    """The quartiers (with their open and overdue problems) and the diagnostics en marchant
    of the current contract, each with a link to its document de suivi."""
    _lecteur(request)
    contrat = contrat_gup(request)
    quartiers, diagnostics = [], []
    if contrat is not None:
        quartiers = selectors.quartiers_avec_comptes(user=request.user, contrat=contrat)
        diagnostics = selectors.diagnostics_suivis(request.user, contrat=contrat)
    return render(
        request,
        "gup/suivi_index.html",
        {"contrat": contrat, "quartiers": quartiers, "diagnostics": diagnostics},
    )


class AnneeForm(forms.Form):
    annee = forms.TypedChoiceField(
        label="Année de signalement", required=False, coerce=int, empty_value=None
    )

    def __init__(self, data, *, annees):
        super().__init__(data)
        self.fields["annee"].choices = [("", "Toutes les années")] + [
            (annee, str(annee)) for annee in reversed(annees)
        ]
        self.fields["annee"].error_messages["invalid_choice"] = (
            "Choisissez une année de la liste (%(value)s n'en fait pas partie)."
        )


def _suivi_quartier(request, pk):
    _lecteur(request)
    quartier = get_object_or_404(selectors.quartiers_suivis(request.user), pk=pk)
    form = AnneeForm(request.GET, annees=_annees(quartier.contrat))
    document = None
    if form.is_valid():
        document = selectors.suivi_quartier(
            quartier=quartier, user=request.user, annee=form.cleaned_data["annee"]
        )
    return quartier, form, document


def suivi_quartier(request, pk):
    """The document de suivi of a quartier: every problem, its dates, due date, processing
    time or age, overdue flag; for one year of report or all."""
    quartier, form, document = _suivi_quartier(request, pk)
    annee = form.cleaned_data.get("annee") if document else None
    return render(
        request,
        "gup/suivi_document.html",
        {
            "form": form,
            "document": document,
            "quartier": quartier,
            "excel_url": f"{request.path}excel/" + (f"?annee={annee}" if annee else ""),
        },
    )


def suivi_quartier_excel(request, pk):
    quartier, form, document = _suivi_quartier(request, pk)
    if document is None:
        return HttpResponseBadRequest("Année invalide : choisissez une année de la liste.")
    annee = form.cleaned_data["annee"]
    nom = f"suivi-gup-{_slug(quartier.nom)}{f'-{annee}' if annee else ''}.xlsx"
    return workbook_response(exports.suivi_workbook(document), nom)


def _suivi_diagnostic(request, pk):
    _lecteur(request)
    diagnostic = get_object_or_404(selectors.diagnostics_suivis(request.user), pk=pk)
    return diagnostic, selectors.suivi_diagnostic(diagnostic=diagnostic, user=request.user)


def suivi_diagnostic(request, pk):
    """The document de suivi of a diagnostic en marchant: the problems found during the walk."""
    diagnostic, document = _suivi_diagnostic(request, pk)
    return render(
        request,
        "gup/suivi_document.html",
        {
            "document": document,
            "diagnostic": diagnostic,
            "excel_url": f"{request.path}excel/",
        },
    )


def suivi_diagnostic_excel(request, pk):
    diagnostic, document = _suivi_diagnostic(request, pk)
    nom = f"suivi-gup-diagnostic-{diagnostic.date:%Y-%m-%d}-{_slug(diagnostic.quartier.nom)}.xlsx"
    return workbook_response(exports.suivi_workbook(document), nom)


# ---------------------------------------------------------------------------------------
# Statistics
# ---------------------------------------------------------------------------------------


class StatsForm(forms.Form):
    """The years of report and the quartier the statistics count."""

    annee = forms.TypedMultipleChoiceField(
        label="Années de signalement",
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text="Aucune case cochée : toutes les années.",
        error_messages={"invalid_choice": "Choisissez des années de la liste."},
    )
    quartier = forms.ModelChoiceField(
        label="Quartier",
        required=False,
        queryset=None,
        empty_label="Tous les quartiers",
        error_messages={"invalid_choice": "Choisissez un quartier de la liste."},
    )

    def __init__(self, data, *, contrat, user):
        super().__init__(data)
        self.fields["annee"].choices = [(a, str(a)) for a in _annees(contrat)]
        self.fields["quartier"].queryset = selectors.quartiers_suivis(user, contrat=contrat)


def _stats(request):
    """The contract, the filters' form and the statistics (None while the form is invalid)."""
    _lecteur(request)
    contrat = contrat_gup(request)
    if contrat is None:
        return None, None, None
    form = StatsForm(request.GET, contrat=contrat, user=request.user)
    if not form.is_valid():
        return contrat, form, None
    stats = selectors.statistiques(
        contrat=contrat,
        user=request.user,
        annees=form.cleaned_data["annee"],
        quartier=form.cleaned_data["quartier"],
    )
    return contrat, form, stats


def _titre(contrat, stats, form):
    titre = f"Statistiques GUP — {contrat.nom}"
    if stats.annees:
        titre += " — " + ", ".join(str(a) for a in stats.annees)
    if form.cleaned_data.get("quartier"):
        titre += f" — {form.cleaned_data['quartier'].nom}"
    return titre


def stats(request):
    """The statistics of the GUP of the current contract: by category × quartier × state, by
    responsible body, by year of report; charts with their data tables."""
    contrat, form, stats = _stats(request)
    context = {"contrat": contrat, "form": form, "stats": stats}
    if stats is not None:
        context["graphiques"] = stats.graphiques()
        context["query"] = request.GET.urlencode()
        context["titre"] = _titre(contrat, stats, form)
    return render(request, "gup/stats.html", context)


def stats_excel(request):
    """The same statistics as a workbook, with native Excel charts."""
    contrat, form, stats = _stats(request)
    if contrat is None:
        return HttpResponseBadRequest("Vous ne suivez aucun contrat : rien à exporter.")
    if stats is None:
        erreurs = " ".join(m for messages in form.errors.values() for m in messages)
        return HttpResponseBadRequest(f"Filtres invalides : {erreurs}")
    titre = _titre(contrat, stats, form)
    workbook = exports.stats_workbook(stats, contrat=contrat, titre=titre)
    return workbook_response(
        workbook, f"statistiques-gup-{_slug(contrat.code)}-{timezone.localdate():%Y%m%d}.xlsx"
    )
