"""The scoreboard of the indicateurs resserrés of the current contract, its Excel export, and
the staff's pages to choose the indicators and enter their yearly targets and values."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from cdv.excel import add_table, new_workbook, workbook_response
from cdv.perms import can_view_contrat
from cdv.selectors import contrat_courant
from quartiers import perms, pilotage
from quartiers.forms_pilotage import CiblesForm, FiltreForm, IndicateurForm
from quartiers.models_pilotage import IndicateurPilotage

URL = "quartiers:pilotage"


def _contrat(request):
    """The current contract, when the user reads its scoreboard (None: a reader who
    follows no contract yet)."""
    contrat = contrat_courant(request)
    if contrat is None and can_view_contrat(request.user):
        return None
    if not perms.can_view_pilotage(request.user, contrat):
        raise PermissionDenied
    return contrat


def _tableau(request, contrat):
    filtres = FiltreForm(request.GET, user=request.user, contrat=contrat)
    choix = filtres.cleaned_data if filtres.is_valid() else {}
    tableau = pilotage.tableau_de_bord(
        contrat=contrat,
        user=request.user,
        pilier=choix.get("pilier"),
        quartier=choix.get("quartier"),
    )
    return filtres, tableau


def tableau_de_bord(request):
    """Each indicator's value against its target, year by year, grouped by pillar and
    quartier; filters by pillar and quartier."""
    contrat = _contrat(request)
    if contrat is None:
        return render(request, "quartiers/pilotage.html", {"contrat": None})
    filtres, tableau = _tableau(request, contrat)
    query = urlencode({k: v for k, v in request.GET.items() if k in ("pilier", "quartier") and v})
    return render(
        request,
        "quartiers/pilotage.html",
        {
            "contrat": contrat,
            "filtres": filtres,
            "tableau": tableau,
            "export_query": query,
            "peut_gerer": perms.can_manage_pilotage(request.user, contrat),
            "registre": pilotage.REGISTRE.values(),
        },
    )


def _valeur_excel(valeur):
    if isinstance(valeur, pilotage.Masque):
        return valeur.texte
    return None if valeur is None else float(valeur)


def tableau_de_bord_excel(request):
    """The same scoreboard, same filters, as a workbook: one row per indicator and year."""
    contrat = _contrat(request)
    if contrat is None:
        raise Http404("Aucun contrat.")
    _, tableau = _tableau(request, contrat)
    rows = [
        (
            groupe.pilier.nom if groupe.pilier else "Tous piliers",
            groupe.quartier.nom if groupe.quartier else "Ensemble du contrat",
            ligne.indicateur.libelle,
            ligne.indicateur.get_unite_display(),
            ligne.indicateur.get_sens_display(),
            ligne.indicateur.get_source_display(),
            cellule.annee,
            _valeur_excel(cellule.valeur),
            _valeur_excel(cellule.cible),
            {True: "Atteinte", False: "Non atteinte"}.get(cellule.atteinte, ""),
            cellule.commentaire,
        )
        for groupe in tableau.groupes
        for ligne in groupe.lignes
        for cellule in ligne.cellules
    ]
    workbook = new_workbook()
    add_table(
        workbook,
        "Indicateurs resserrés",
        [
            "Pilier",
            "Quartier",
            "Indicateur",
            "Unité",
            "Sens souhaité",
            "Source",
            "Année",
            "Valeur",
            "Cible",
            "Cible atteinte",
            "Commentaire",
        ],
        rows,
        formats={7: "#,##0.##", 8: "#,##0.##"},
    )
    return workbook_response(workbook, f"indicateurs-resserres-{contrat.code or contrat.pk}.xlsx")


# Staff pages -------------------------------------------------------------------------------


def _gerant(request):
    contrat = contrat_courant(request)
    if not perms.can_manage_pilotage(request.user, contrat):
        raise PermissionDenied
    return contrat


def _indicateur(request, contrat, pk):
    return get_object_or_404(
        IndicateurPilotage.objects.for_user(request.user).filter(contrat=contrat), pk=pk
    )


def _enregistrer_indicateur(request, contrat, indicateur):
    form = IndicateurForm(
        request.POST or None, instance=indicateur, user=request.user, contrat=contrat
    )
    if request.method == "POST" and form.is_valid():
        try:
            pilotage.indicateur_save(
                indicateur=form.instance, version=form.cleaned_data.get("version")
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, f"Indicateur « {form.instance.libelle} » enregistré.")
            return redirect(URL)
    return render(
        request,
        "quartiers/pilotage_indicateur_form.html",
        {"contrat": contrat, "form": form, "indicateur": indicateur},
    )


def indicateur_create(request):
    """Add an indicator to the short list: computed by the platform or entered by hand."""
    contrat = _gerant(request)
    return _enregistrer_indicateur(request, contrat, None)


def indicateur_edit(request, pk):
    contrat = _gerant(request)
    return _enregistrer_indicateur(request, contrat, _indicateur(request, contrat, pk))


def indicateur_delete(request, pk):
    """Ask, then remove an indicator with its targets and values."""
    contrat = _gerant(request)
    indicateur = _indicateur(request, contrat, pk)
    if request.method == "POST":
        indicateur.delete()
        messages.success(request, f"Indicateur « {indicateur.libelle} » supprimé.")
        return redirect(URL)
    return render(
        request,
        "quartiers/pilotage_indicateur_delete.html",
        {"contrat": contrat, "indicateur": indicateur},
    )


def cibles_edit(request, pk):
    """The yearly targets of an indicator, and its values when entered by hand."""
    contrat = _gerant(request)
    indicateur = _indicateur(request, contrat, pk)
    form = CiblesForm(request.POST or None, indicateur=indicateur)
    if request.method == "POST" and form.is_valid():
        try:
            pilotage.cibles_save(
                indicateur=indicateur,
                version=form.cleaned_data["version"],
                lignes=form.lignes(),
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, f"Cibles de « {indicateur.libelle} » enregistrées.")
            return redirect(f"{reverse(URL)}#indicateur-{indicateur.pk}")
    return render(
        request,
        "quartiers/pilotage_cibles_form.html",
        {"contrat": contrat, "form": form, "indicateur": indicateur},
    )
