"""The gaps table of the current contract's quartiers, and its Excel export: the same
reference, sort and figures, from quartiers.ecarts."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.utils.http import urlencode

from cdv.excel import workbook_response
from cdv.selectors import contrat_courant
from quartiers import ecarts, exports, perms
from quartiers.enums import TerritoireKind

# The columns of numbers, aligned right.
NOMBRES = {"millesime", "valeur", "reference", "ecart"}


def _selection(request):
    """The current contract (None when the user follows none), the reference kind and the
    sort asked for (unknown values fall back to the defaults)."""
    if not perms.can_view_ecarts(request.user):
        raise PermissionDenied
    reference = request.GET.get("reference")
    if reference not in ecarts.REFERENCES:
        reference = TerritoireKind.COMMUNE
    return contrat_courant(request), reference, ecarts.tri_valide(request.GET.get("tri"))


def _entetes(reference, tri):
    """The column headers, each with its sort link and its aria-sort when sorted by it."""
    actuel, desc = tri.lstrip("-"), tri.startswith("-")
    result = []
    for code, (label, _key) in ecarts.TRIS.items():
        inverse = code == actuel and not desc
        query = urlencode({"reference": reference, "tri": f"{'-' if inverse else ''}{code}"})
        result.append(
            {
                "code": code,
                "label": label,
                "url": f"?{query}",
                "suivant": "décroissant" if inverse else "croissant",
                "tri": ("descending" if desc else "ascending") if code == actuel else None,
                "nombre": code in NOMBRES,
            }
        )
    return result


def ecarts_list(request):
    """One row per quartier and indicator: the latest value beside the reference's, the gap
    and its trend since the first vintage; sortable, with the reference to choose."""
    contrat, reference, tri = _selection(request)
    context = {"contrat": contrat, "reference": reference, "tri": tri}
    if contrat is not None:
        tableau = ecarts.tableau_ecarts(contrat=contrat, user=request.user, reference=reference)
        context.update(
            tableau=tableau,
            lignes=ecarts.trier(tableau.lignes, tri),
            entetes=_entetes(reference, tri),
            references=ecarts.REFERENCES.items(),
            export_query=urlencode({"reference": reference, "tri": tri}),
        )
    return render(request, "quartiers/ecarts.html", context)


def ecarts_excel(request):
    """The same rows, in the same order, as a workbook."""
    contrat, reference, tri = _selection(request)
    if contrat is None:
        return HttpResponseBadRequest("Vous ne suivez aucun contrat.")
    tableau = ecarts.tableau_ecarts(contrat=contrat, user=request.user, reference=reference)
    workbook = exports.ecarts_workbook(
        tableau,
        ecarts.trier(tableau.lignes, tri),
        titre=f"Écarts entre les quartiers du {contrat.nom} et {tableau.reference_libelle}",
    )
    return workbook_response(workbook, f"ecarts-quartiers-{contrat.code}-{reference}.xlsx")
