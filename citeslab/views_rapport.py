"""CitésLab's activity report (counts only; small counts masked except for its staff) on
screen and in Excel. Every figure comes from citeslab.selectors."""

import datetime

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone

from cdv.excel import workbook_response
from cdv.selectors import contrat_courant
from citeslab import exports, selectors
from citeslab.perms import can_view_citeslab_stats

MAX_ANNEES = 10


def _plus_annees(jour, annees):
    try:
        return jour.replace(year=jour.year + annees)
    except ValueError:  # 29 February
        return jour.replace(year=jour.year + annees, day=28)


class PeriodeForm(forms.Form):
    """Du … au … (both days included); empty: the current calendar year."""

    FORMATS = ["%d/%m/%Y"]
    MESSAGE_FORMAT = "Indiquez une date au format jj/mm/aaaa (exemple : 25/11/2026)."
    AIDE = "Format : jj/mm/aaaa."

    debut = forms.DateField(label="Du", required=False)
    fin = forms.DateField(label="Au", required=False)

    def __init__(self, data):
        super().__init__(data)
        for champ in self.fields.values():
            champ.input_formats = self.FORMATS
            champ.error_messages["invalid"] = self.MESSAGE_FORMAT
            champ.help_text = self.AIDE
            champ.widget = forms.DateInput(format=self.FORMATS[0])
        annee = timezone.localdate().year
        self.debut_defaut = datetime.date(annee, 1, 1)
        self.fin_defaut = datetime.date(annee, 12, 31)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        debut = cleaned["debut"] = cleaned.get("debut") or self.debut_defaut
        fin = cleaned["fin"] = cleaned.get("fin") or self.fin_defaut
        if fin < debut:
            self.add_error("fin", "La date de fin précède la date de début.")
        elif fin >= _plus_annees(debut, MAX_ANNEES):
            self.add_error("fin", f"Choisissez une période de {MAX_ANNEES} ans au plus.")
        return cleaned


def _rapport(request):
    """The contract, the form and the report as the user may read it (None while the form
    is invalid)."""
    contrat = contrat_courant(request)
    if contrat is None:
        raise PermissionDenied
    form = PeriodeForm(request.GET)
    if not form.is_valid():
        if not can_view_citeslab_stats(request.user, contrat):
            raise PermissionDenied
        return contrat, form, None
    # Checks the reader itself: PermissionDenied for anyone but its staff and partners.
    rapport = selectors.rapport(
        user=request.user,
        contrat=contrat,
        debut=form.cleaned_data["debut"],
        fin=form.cleaned_data["fin"],
    )
    return contrat, form, rapport


def rapport(request):
    """CitésLab's activity report of the current contract over a period: the funnel and its
    breakdowns by sex, age, residence, entry channel and employment status, and the events."""
    contrat, form, rapport = _rapport(request)
    context = {"contrat": contrat, "form": form, "rapport": rapport}
    if rapport is not None:
        context["tableaux"] = [(r, *selectors.tableau(r)) for r in rapport.repartitions]
        context["graphiques"] = rapport.graphiques()
        context["query"] = request.GET.urlencode()
    return render(request, "citeslab/rapport.html", context)


def rapport_excel(request):
    """The same report as an Excel workbook (masked the same way)."""
    contrat, form, rapport = _rapport(request)
    if rapport is None:
        erreurs = " ".join(message for messages in form.errors.values() for message in messages)
        return HttpResponseBadRequest(f"Période invalide : {erreurs}")
    workbook = exports.rapport_workbook(rapport, contrat=contrat)
    return workbook_response(
        workbook,
        f"rapport-citeslab-{contrat.pk}-{rapport.debut:%Y%m%d}-{rapport.fin:%Y%m%d}.xlsx",
    )
