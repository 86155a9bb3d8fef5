"""The programming table of the current contract, and its CSV and Excel exports: the same
selection (criteria, sort) and the same figures, from programmation.tableau."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import render

from cdv.excel import workbook_response
from cdv.selectors import contrat_courant
from cdv.services_exports import trop_gros
from cdv.views_exports import export_differer
from programmation import exports_tableau, perms, tableau


def _selection(request):
    """The current contract and the request's selection of its actions (None, None when
    the user follows no contract)."""
    if not perms.can_view_programmation(request.user):
        raise PermissionDenied
    contrat = contrat_courant(request)
    if contrat is None:
        return None, None
    return contrat, tableau.selection(request, contrat=contrat)


def _filename(contrat, selection, extension):
    annee = selection.annee or "toutes-annees"
    return f"programmation-{contrat.code}-{annee}.{extension}"


def action_list(request):
    """The table: one row per action, a column group per funder, totals, filters, sort,
    pages of 50, and the export form."""
    contrat, selection = _selection(request)
    context = {"contrat": contrat}
    if selection is not None:
        context.update(
            selection=selection,
            tableau=tableau.tableau_programmation(
                user=request.user, actions=selection.actions, page=request.GET.get("page") or 1
            ),
            entetes=tableau.entetes(selection),
            choix_colonnes=exports_tableau.choix_colonnes(request.GET),
        )
    return render(request, "programmation/action_list.html", context)


def _differer(request, contrat, selection, kind):
    """Too many rows for one request: a task builds the same file (docs/exports.md)."""
    criteres = selection.criteres.copy()
    criteres.setlist("colonnes", request.GET.getlist("colonnes"))
    return export_differer(
        request, contrat=contrat, kind=kind, params={"criteres": criteres.urlencode()}
    )


def action_export_csv(request):
    """Every row of the table as it is filtered and sorted, as CSV; built by a task above
    EXPORT_SYNC_MAX_LIGNES rows."""
    contrat, selection = _selection(request)
    if selection is None:
        return HttpResponseBadRequest("Vous ne suivez aucun contrat.")
    if trop_gros(selection.actions.count()):
        return _differer(request, contrat, selection, "tableau_actions_csv")
    donnees = tableau.tableau_programmation(user=request.user, actions=selection.actions)
    return exports_tableau.csv_response(
        donnees,
        choisies=exports_tableau.colonnes_choisies(request.GET),
        filename=_filename(contrat, selection, "csv"),
    )


def action_export_xlsx(request):
    """Every row of the table as it is filtered and sorted, and the yearly evolution of the
    same criteria (every year), as a workbook; built by a task above EXPORT_SYNC_MAX_LIGNES
    rows, the user sent to its progress page."""
    contrat, selection = _selection(request)
    if selection is None:
        return HttpResponseBadRequest("Vous ne suivez aucun contrat.")
    user = request.user
    if trop_gros(selection.actions.count()):
        return _differer(request, contrat, selection, "tableau_actions")
    workbook = exports_tableau.tableau_workbook(
        tableau.tableau_programmation(user=user, actions=selection.actions),
        tableau.evolution(user=user, actions=selection.toutes_annees),
        choisies=exports_tableau.colonnes_choisies(request.GET),
        titre=f"Programmation du {contrat.nom}",
    )
    return workbook_response(workbook, _filename(contrat, selection, "xlsx"))
