"""The contract dashboard: the contract at a glance, each block a chart with its data table
and each figure a link to the module's page behind it (cdv.selectors_pilotage)."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from cdv.models import Pilier
from cdv.perms import can_view_tableau_de_bord
from cdv.selectors import contrat_courant
from cdv.selectors_pilotage import tableau_de_bord
from gup.enums import ETATS_OUVERTS
from programmation.enums import ETATS_PROGRAMMES
from programmation.views.pilotage import PeriodeForm
from quartiers.models import Quartier


class FiltresForm(PeriodeForm):
    """The bilan physico-financier's years (same bounds, same errors), a quartier, a pillar."""

    quartier = forms.ModelChoiceField(
        label="Quartier",
        required=False,
        queryset=Quartier.objects.none(),
        empty_label="Tous les quartiers",
        error_messages={"invalid_choice": "Choisissez un quartier de la liste."},
    )
    pilier = forms.ModelChoiceField(
        label="Pilier",
        required=False,
        queryset=Pilier.objects.none(),
        empty_label="Tous les piliers",
        error_messages={"invalid_choice": "Choisissez un pilier de la liste."},
    )

    def __init__(self, data=None, *, contrat, user):
        super().__init__(data, contrat=contrat)
        self.fields["annee_min"].error_messages["invalid"] = "Indiquez une année (exemple : 2024)."
        self.fields["annee_max"].error_messages["invalid"] = "Indiquez une année (exemple : 2026)."
        for name in ("annee_min", "annee_max"):
            self.fields[name].error_messages["required"] = "Indiquez une année."
        self.fields["quartier"].queryset = (
            Quartier.objects.for_user(user).filter(contrat=contrat).order_by("nom", "pk")
        )
        self.fields["pilier"].queryset = (
            Pilier.objects.for_user(user).filter(contrat=contrat).order_by("ordre", "nom")
        )


def _url(name, **params):
    """A module page's URL with the filters it supports (empty values left out)."""
    query = urlencode(
        [(k, v) for k, values in params.items() for v in _liste(values) if v not in (None, "")]
    )
    return reverse(name) + (f"?{query}" if query else "")


def _liste(value):
    return value if isinstance(value, list | tuple) else [value]


def _liens(tableau):
    """The pages behind the figures, with the dashboard's filters where they apply; rows
    come with their link (templates cannot index a dict by a variable)."""
    quartier = tableau.quartier.pk if tableau.quartier else None
    pilier = tableau.pilier.pk if tableau.pilier else None
    # The programming table filters by one year: applied when the period is one year.
    une_annee = tableau.annee_min if tableau.annee_min == tableau.annee_max else None
    etats = sorted(ETATS_PROGRAMMES)

    def actions(**params):
        params.setdefault("annee", une_annee)
        params.setdefault("quartier", quartier)
        params.setdefault("pilier", pilier)
        return _url("programmation:action_list", etat=etats, **params)

    gup = tableau.gup
    return {
        "bilan": _url(
            "programmation:bilan", annee_min=tableau.annee_min, annee_max=tableau.annee_max
        ),
        "actions": actions(),
        "reconductions": actions(nouveaute="reconduction"),
        "annees": [
            (a, actions(annee=a.annee), actions(annee=a.annee, nouveaute="reconduction"))
            for a in tableau.bilan.annees
        ],
        "piliers": [
            (p, actions(pilier=p.pilier_id) if p.pilier_id else None) for p in tableau.piliers
        ],
        "quartiers": [(q, actions(quartier=q.quartier_id)) for q in tableau.quartiers],
        "financeurs": [(f, actions(financeur=f.financeur_id)) for f in tableau.bilan.financeurs],
        "bilans_en_retard": reverse("programmation:bilans_en_retard"),
        "versements_en_retard": reverse("programmation:versements_en_retard"),
        "ecarts": _url("quartiers:ecarts", tri="-retard"),
        "gup_stats": _url("gup:stats", annee=tableau.annees, quartier=quartier),
        "gup_ouverts": _url("gup:signalement_list", etat=sorted(ETATS_OUVERTS), quartier=quartier),
        "gup_en_retard": _url("gup:signalement_list", en_retard="on", quartier=quartier),
        "tfpb": _url("gup:tfpb_bilan", annee=tableau.annee_max),
        "tfpb_annees": [
            (e, _url("gup:tfpb_bilan", annee=e.annee)) for e in (gup.tfpb_evolution if gup else [])
        ],
        "pre": _url("pre:stats", debut=tableau.annee_min, fin=tableau.annee_max),
        "citeslab": _url(
            "citeslab:rapport",
            debut=f"01/01/{tableau.annee_min}",
            fin=f"31/12/{tableau.annee_max}",
        ),
    }


def tableau_de_bord_page(request):
    """The contract at a glance for its team and partners: programmation, late bilans,
    quartier gaps, GUP and TFPB, PRE and CitésLab, over the chosen years."""
    user = request.user
    if not can_view_tableau_de_bord(user):
        raise PermissionDenied
    contrat = contrat_courant(request)
    context = {"contrat": contrat}
    if contrat is not None:
        form = FiltresForm(request.GET, contrat=contrat, user=user)
        context["form"] = form
        if form.is_valid():
            data = form.cleaned_data
            tableau = tableau_de_bord(
                user=user,
                contrat=contrat,
                annees=range(data["annee_min"], data["annee_max"] + 1),
                quartier=data["quartier"],
                pilier=data["pilier"],
            )
            context.update(tableau=tableau, liens=_liens(tableau), graphiques=tableau.graphiques())
    return render(request, "cdv/tableau_de_bord.html", context)
