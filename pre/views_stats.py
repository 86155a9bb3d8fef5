"""The PRE's statistics (counts only, small counts masked) on screen and in Excel, and its
entry in the register of processing activities. Every figure comes from pre.selectors."""

import datetime

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone

from cdv.excel import workbook_response
from cdv.selectors import contrat_courant
from pre import exports, registre, selectors

ANNEE_MIN = 2000
MAX_ANNEES = 10


class PeriodeForm(forms.Form):
    debut = forms.IntegerField(
        label="De l'année",
        required=False,
        error_messages={"invalid": "Indiquez une année (exemple : 2024)."},
    )
    fin = forms.IntegerField(
        label="À l'année",
        required=False,
        error_messages={"invalid": "Indiquez une année (exemple : 2026)."},
    )

    def __init__(self, data, *, contrat):
        super().__init__(data)
        self.fin_defaut = timezone.localdate().year
        self.debut_defaut = max(contrat.annee_debut, self.fin_defaut - 4)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        debut = cleaned.get("debut") or self.debut_defaut
        fin = cleaned.get("fin") or self.fin_defaut
        for champ, annee in (("debut", debut), ("fin", fin)):
            if not ANNEE_MIN <= annee <= self.fin_defaut + 1:
                self.add_error(
                    champ, f"Choisissez une année entre {ANNEE_MIN} et {self.fin_defaut + 1}."
                )
        if not self.errors:
            if fin < debut:
                self.add_error("fin", "L'année de fin précède l'année de début.")
            elif fin - debut >= MAX_ANNEES:
                self.add_error("fin", f"Choisissez une période de {MAX_ANNEES} ans au plus.")
        cleaned["annees"] = list(range(debut, fin + 1))
        return cleaned


def _stats(request):
    """The contract, the form and the masked statistics (None while the form is invalid)."""
    contrat = contrat_courant(request)
    if contrat is None or not selectors.can_view_stats_pre(request.user, contrat):
        raise PermissionDenied
    form = PeriodeForm(request.GET, contrat=contrat)
    if not form.is_valid():
        return contrat, form, None
    stats = selectors.statistiques(
        user=request.user, contrat=contrat, annees=form.cleaned_data["annees"]
    )
    return contrat, form, stats.masquees()


def stats(request):
    """The PRE's statistics of the current contract: file active, entries and exits per
    year by sex, age, quartier, EPS team, referrer, adherence and exit reason."""
    contrat, form, stats = _stats(request)
    context = {"contrat": contrat, "form": form, "stats": stats}
    if stats is not None:
        context["tableaux"] = [(r, *selectors.tableau(r, stats.annees)) for r in stats.repartitions]
        context["graphiques"] = stats.graphiques()
        context["query"] = request.GET.urlencode()
    return render(request, "pre/stats.html", context)


def stats_excel(request):
    """The same statistics as an anonymised Excel bilan (masked the same way)."""
    contrat, form, stats = _stats(request)
    if stats is None:
        return HttpResponseBadRequest("Période invalide ou aucun contrat suivi.")
    workbook = exports.stats_workbook(stats, contrat=contrat)
    return workbook_response(
        workbook, f"statistiques-pre-{contrat.pk}-{datetime.date.today():%Y%m%d}.xlsx"
    )


def _registre(request):
    contrat = contrat_courant(request)
    if not selectors.can_view_registre_pre(request.user, contrat):
        raise PermissionDenied
    return contrat, registre.registre(contrat)


def registre_page(request):
    """The PRE's entry in the register of processing activities."""
    contrat, entree = _registre(request)
    return render(request, "pre/registre.html", {"contrat": contrat, "registre": entree})


def registre_markdown(request):
    _, entree = _registre(request)
    response = HttpResponse(
        registre.registre_markdown(entree), content_type="text/markdown; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="registre-pre.md"'
    return response


def registre_texte(request):
    _, entree = _registre(request)
    response = HttpResponse(
        registre.registre_texte(entree), content_type="text/plain; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="registre-pre.txt"'
    return response
