"""Pages that steer the programmation of a contract: the bilan physico-financier."""

import datetime

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import render

from cdv.excel import workbook_response
from cdv.selectors import contrat_courant
from programmation import exports, perms, selectors


class PeriodeForm(forms.Form):
    """A range of years within the contract's period."""

    annee_min = forms.IntegerField(label="De l'année")
    annee_max = forms.IntegerField(label="À l'année")

    def __init__(self, data=None, *, contrat):
        self.contrat = contrat
        if not data or not {"annee_min", "annee_max"} & set(data):
            # The contract's years so far (its first year if it has not started yet).
            data = {
                "annee_min": contrat.annee_debut,
                "annee_max": max(
                    contrat.annee_debut, min(contrat.annee_fin, datetime.date.today().year)
                ),
            }
        super().__init__(data)

    def clean(self):
        cleaned = super().clean()
        debut, fin = self.contrat.annee_debut, self.contrat.annee_fin
        for name in ("annee_min", "annee_max"):
            annee = cleaned.get(name)
            if annee is not None and not debut <= annee <= fin:
                self.add_error(
                    name, f"L'année doit appartenir à la période du contrat ({debut}–{fin})."
                )
        annee_min, annee_max = cleaned.get("annee_min"), cleaned.get("annee_max")
        if (
            annee_min is not None
            and annee_max is not None
            and annee_max < annee_min
            and "annee_max" not in self.errors
        ):
            self.add_error("annee_max", "L'année de fin ne peut précéder l'année de début.")
        return cleaned


def _bilan(request):
    """The current contract, the period form and the bilan (None while the form is invalid)."""
    user = request.user
    if not perms.can_view_programmation(user):
        raise PermissionDenied
    contrat = contrat_courant(request)
    if contrat is None:
        return None, None, None
    form = PeriodeForm(request.GET, contrat=contrat)
    if not form.is_valid():
        return contrat, form, None
    bilan = selectors.bilan_physico_financier(
        contrat=contrat,
        annee_min=form.cleaned_data["annee_min"],
        annee_max=form.cleaned_data["annee_max"],
        user=user,
    )
    return contrat, form, bilan


def bilan(request):
    """The bilan physico-financier of the current contract over a range of years."""
    contrat, form, bilan = _bilan(request)
    return render(
        request,
        "programmation/bilan_physico_financier.html",
        {"contrat": contrat, "form": form, "bilan": bilan},
    )


def bilan_excel(request):
    """The same bilan as a workbook, one sheet per table."""
    contrat, _, bilan = _bilan(request)
    if bilan is None:
        return HttpResponseBadRequest("Période invalide ou aucun contrat suivi.")
    workbook = exports.bilan_workbook(bilan, contrat=contrat)
    filename = f"bilan-physico-financier-{contrat.code}-{bilan.annee_min}-{bilan.annee_max}.xlsx"
    return workbook_response(workbook, filename)
