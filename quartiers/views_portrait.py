"""The quartiers of the current contract, each one's portrait, its guidelines and the
workbook of the portraits. Every page starts from Quartier.objects.for_user()."""

import datetime
import re

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from cdv.excel import workbook_response
from cdv.formats import montant
from cdv.models import Pilier
from cdv.selectors import contrat_courant
from gup import perms as gup_perms
from gup.selectors import ouverts_du_quartier
from programmation.selectors import actions_du_quartier
from quartiers import perms, services
from quartiers.ecarts import tableau_ecarts
from quartiers.excel_portrait import portraits_workbook
from quartiers.geojson import feature_collection
from quartiers.models import LigneDirectrice, Quartier
from quartiers.portrait import portrait as portrait_of

# The key figures of the list page.
CHIFFRES_CLES = ["taux_pauvrete", "revenu_median"]
ANNEE_MIN = 2000
TAILLE_MAX_TEXTE = 5000


def _quartiers(request):
    return Quartier.objects.for_user(request.user).select_related(
        "contrat", "territoire__parent__parent"
    )


def _quartier(request, pk):
    return get_object_or_404(_quartiers(request), pk=pk)


def quartier_list(request):
    """The quartiers of the current contract with their population and key figures, read
    by the gaps table's selector (a constant number of queries)."""
    contrat = contrat_courant(request)
    lignes = []
    if contrat is not None:
        tableau = tableau_ecarts(contrat=contrat, user=request.user, indicateurs=CHIFFRES_CLES)
        chiffres = {
            (ligne.quartier.pk, ligne.indicateur.code): ligne
            for ligne in tableau.lignes
            if not ligne.manquant
        }
        lignes = [
            {
                "quartier": quartier,
                "chiffres": {code: chiffres.get((quartier.pk, code)) for code in CHIFFRES_CLES},
            }
            for quartier in tableau.quartiers
        ]
    perimetres = feature_collection(
        [ligne["quartier"] for ligne in lignes],
        lien=lambda q: {
            "href": reverse("quartiers:portrait", args=[q.pk]),
            "texte": f"Portrait de {q.nom}",
        },
    )
    return render(
        request,
        "quartiers/quartier_list.html",
        {
            "contrat": contrat,
            "lignes": lignes,
            "chiffres_cles": CHIFFRES_CLES,
            "perimetres": perimetres if perimetres["features"] else None,
        },
    )


def _resume_actions(actions):
    """The map popup's link to the funded actions of the year shown, if any."""
    if not actions.lignes:
        return None
    n, s = actions.nb_actions, "s" if actions.nb_actions > 1 else ""
    return {
        "href": "#actions-financees",
        "texte": f"{n} action{s} financée{s} en {actions.annee} : "
        f"{montant(actions.credits_imputes)} imputés au quartier",
    }


def _lignes_directrices(request, quartier, annee):
    """The years written for the quartier (latest first), the year shown and its rows."""
    rows = list(
        LigneDirectrice.objects.for_user(request.user)
        .filter(quartier=quartier)
        .select_related("pilier", "auteur")
    )
    annees = sorted({row.annee for row in rows}, reverse=True)
    if annee not in annees:
        annee = annees[0] if annees else None
    return annees, annee, [row for row in rows if row.annee == annee]


def _points_signalements(signalements):
    """The open GUP problems placed on the map (those with coordinates), as GeoJSON points
    whose popup leads to the problem."""
    return [
        {
            "type": "Feature",
            "id": f"signalement-{s.pk}",
            "geometry": {"type": "Point", "coordinates": [float(s.longitude), float(s.latitude)]},
            "properties": {
                "nom": f"{s.categorie.libelle} ({s.get_etat_display().lower()})",
                "lien": {
                    "href": reverse("gup:signalement_detail", args=[s.pk]),
                    "texte": f"Signalement n° {s.pk} : {s.categorie.libelle}, "
                    f"{s.get_etat_display().lower()}",
                },
            },
        }
        for s in signalements
        if s.latitude is not None and s.longitude is not None
    ]


def _annee(request, name):
    """The year asked in the query string, None when absent or not a number."""
    try:
        return int(request.GET.get(name, ""))
    except ValueError:
        return None


def portrait(request, pk):
    """The portrait of a quartier: its figures by theme, the charts, the map of its perimeter,
    the actions funded in it and its guidelines, each of the chosen year (by default the
    latest)."""
    quartier = _quartier(request, pk)
    data = portrait_of(quartier=quartier, user=request.user)
    annees, annee, directives = _lignes_directrices(request, quartier, _annee(request, "annee"))
    actions = actions_du_quartier(
        quartier=quartier, user=request.user, annee=_annee(request, "actions")
    )
    voit_gup = gup_perms.can_view_gup(request.user)
    ouverts = ouverts_du_quartier(quartier=quartier, user=request.user) if voit_gup else []
    carte = feature_collection([quartier], lien=lambda q: _resume_actions(actions))
    carte["features"] += _points_signalements(ouverts)
    peut_modifier = perms.can_change_ligne_directrice(request.user, quartier)
    return render(
        request,
        "quartiers/portrait.html",
        {
            "portrait": data,
            "quartier": quartier,
            "actions": actions,
            "perimetres": carte,
            "signalements_ouverts": ouverts,
            "voit_gup": voit_gup,
            "graphiques": data.graphiques(),
            "annees": annees,
            "annee": annee,
            "directives": directives,
            "peut_modifier": peut_modifier,
            "annee_courante": datetime.date.today().year,
        },
    )


def _nom_feuille(nom, pris):
    """A sheet title Excel accepts (31 characters, none of []:*?/\\), unique."""
    base = re.sub(r"[\[\]:*?/\\]", " ", nom)[:28].strip() or "Quartier"
    titre, n = base, 2
    while titre in pris:
        titre, n = f"{base} {n}", n + 1
    pris.add(titre)
    return titre


def portraits_excel(request):
    """The workbook of the portraits: one sheet per quartier of the current contract."""
    contrat = contrat_courant(request)
    if contrat is None:
        raise Http404("Aucun contrat.")
    pris = set()
    portraits = [
        (_nom_feuille(quartier.nom, pris), portrait_of(quartier=quartier, user=request.user))
        for quartier in _quartiers(request).filter(contrat=contrat)
    ]
    return workbook_response(portraits_workbook(portraits), "portraits-quartiers.xlsx")


class LigneDirectriceForm(forms.ModelForm):
    class Meta:
        model = LigneDirectrice
        fields = ["pilier", "enjeux", "lignes_directrices"]
        widgets = {
            "enjeux": forms.Textarea(attrs={"rows": 5}),
            "lignes_directrices": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, quartier, annee, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.quartier, self.annee = quartier, annee
        self.instance.quartier, self.instance.annee = quartier, annee
        pilier = self.fields["pilier"]
        # The quartier was scoped by the view: its contract's pillars.
        pilier.queryset = Pilier.objects.for_user(user).filter(contrat_id=quartier.contrat_id)
        pilier.empty_label = "Ensemble du quartier"
        pilier.required = False
        pilier.error_messages["invalid_choice"] = "Choisissez un pilier du contrat du quartier."

    def _texte(self, name):
        texte = self.cleaned_data.get(name, "")
        if len(texte) > TAILLE_MAX_TEXTE:
            raise forms.ValidationError(
                f"Ce texte dépasse {TAILLE_MAX_TEXTE} caractères ({len(texte)}) : résumez-le."
            )
        return texte

    def clean_enjeux(self):
        return self._texte("enjeux")

    def clean_lignes_directrices(self):
        return self._texte("lignes_directrices")

    def clean(self):
        cleaned = super().clean()
        if (
            not cleaned.get("enjeux", "").strip()
            and not cleaned.get("lignes_directrices", "").strip()
        ):
            raise forms.ValidationError("Renseignez les enjeux ou les lignes directrices.")
        return cleaned

    def validate_unique(self):
        # One row per (quartier, year, pillar): an existing row is updated, not refused.
        pass


def ligne_directrice_edit(request, pk, annee):
    """Write the issues and guidelines of a quartier for a year, for the whole quartier or
    one pillar: an existing text of that year and pillar is replaced."""
    quartier = _quartier(request, pk)
    if not perms.can_change_ligne_directrice(request.user, quartier):
        raise PermissionDenied
    if not ANNEE_MIN <= annee <= datetime.date.today().year + 1:
        raise Http404("Année hors de la période.")
    existantes = LigneDirectrice.objects.for_user(request.user).filter(
        quartier=quartier, annee=annee
    )
    options = {"quartier": quartier, "annee": annee, "user": request.user}
    if request.method == "GET":
        # ?pilier=<id> opens that pillar's text of the year, if any; else the whole quartier's.
        pilier_id = request.GET.get("pilier", "")
        existante = existantes.filter(
            pilier_id=int(pilier_id) if pilier_id.isdigit() else None
        ).first()
        initial = {"pilier": pilier_id} if pilier_id.isdigit() else {}
        form = LigneDirectriceForm(instance=existante, initial=initial, **options)
    else:
        form = LigneDirectriceForm(request.POST, **options)
    if request.method == "POST" and form.is_valid():
        services.ligne_directrice_save(
            quartier=quartier, annee=annee, auteur=request.user, **form.cleaned_data
        )
        url = reverse("quartiers:portrait", args=[quartier.pk])
        return redirect(f"{url}?annee={annee}#lignes-directrices")
    return render(
        request,
        "quartiers/ligne_directrice_form.html",
        {"quartier": quartier, "annee": annee, "form": form},
    )
