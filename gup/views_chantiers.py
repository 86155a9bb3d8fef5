"""Pages of the chantiers tremplin: the list of the current contract, a site, its form with
its funders, and the counts per quartier and year (page and Excel)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from cdv.excel import workbook_response
from cdv.selectors import contrat_courant
from gup import perms_chantiers, selectors_chantiers, services_chantiers
from gup.exports_chantiers import bilan_workbook
from gup.forms_chantiers import (
    ChantierForm,
    FiltreForm,
    FinancementFormSet,
    financements_of,
    summary,
)
from gup.models import ChantierTremplin
from quartiers.models import Quartier


def _check_view(request):
    if not perms_chantiers.can_view_chantiers(request.user):
        raise PermissionDenied


def _chantier(request, pk):
    return get_object_or_404(
        ChantierTremplin.objects.for_user(request.user).select_related(
            "quartier__contrat", "operateur", "diagnostic__quartier"
        ),
        pk=pk,
    )


def _filtres(request, contrat):
    """The filter form of the list and the bilan, and the sites it selects."""
    user = request.user
    tous = selectors_chantiers.chantiers_for(user, contrat=contrat)
    quartiers = (
        Quartier.objects.for_user(user).filter(contrat=contrat).order_by("nom")
        if contrat is not None
        else Quartier.objects.none()
    )
    form = FiltreForm(
        request.GET or None, annees=selectors_chantiers.annees_of(tous), quartiers=quartiers
    )
    return form, selectors_chantiers.chantiers_for(user, contrat=contrat, **form.filtres())


def chantier_list(request):
    """The sites of the current contract the user sees (an operator's agent following no
    contract: those of its organisation), filtered by year and quartier."""
    _check_view(request)
    contrat = contrat_courant(request)
    form, chantiers = _filtres(request, contrat)
    return render(
        request,
        "gup/chantier_list.html",
        {
            "contrat": contrat,
            "form": form,
            "chantiers": selectors_chantiers.with_list_related_data(chantiers),
            "can_create": perms_chantiers.can_create_chantier(request.user),
        },
    )


def chantier_detail(request, pk):
    _check_view(request)
    chantier = _chantier(request, pk)
    financements, total_finance = selectors_chantiers.financements_detail(chantier)
    return render(
        request,
        "gup/chantier_detail.html",
        {
            "chantier": chantier,
            "financements": financements,
            "total_finance": total_finance,
            "signalements": chantier.signalements.for_user(request.user).select_related(
                "categorie"
            ),
            "can_edit": perms_chantiers.can_edit_chantier(request.user, chantier),
        },
    )


def _form_page(request, chantier, contrat):
    """The form of a new or existing site: validated with its funders, saved by the service
    (all or nothing), errors next to their fields."""
    user = request.user
    financeurs = selectors_chantiers.financeurs_possibles(user, contrat=contrat, chantier=chantier)
    data = request.POST if request.method == "POST" else None
    form = ChantierForm(data, instance=chantier, user=user, contrat=contrat, prefix="chantier")
    formset = FinancementFormSet(
        data,
        instance=chantier,
        prefix="financements",
        form_kwargs={"financeurs": financeurs},
        queryset=chantier.financements.select_related("financeur") if chantier.pk else None,
    )
    if data is not None:
        valid = form.is_valid()
        valid = formset.is_valid() and valid
        if valid:
            try:
                chantier = services_chantiers.chantier_save(
                    chantier=form.instance,
                    user=user,
                    signalements=list(form.cleaned_data["signalements"]),
                    financements=financements_of(formset),
                )
            except PermissionDenied:
                form.add_error(
                    "quartier", "Vous ne pouvez enregistrer un chantier que dans vos quartiers."
                )
            except ValidationError as exc:
                formset.non_form_errors().extend(form.add_service_errors(exc.message_dict))
            else:
                messages.success(request, f"Le chantier « {chantier.intitule} » est enregistré.")
                return redirect("gup:chantier_detail", chantier.pk)
    return render(
        request,
        "gup/chantier_form.html",
        {
            "chantier": chantier,
            "contrat": contrat,
            "form": form,
            "formset": formset,
            "erreurs": summary(form, formset) if form.is_bound else [],
            "erreurs_titre": "Le chantier n'est pas enregistré : corrigez les champs signalés.",
        },
    )


def chantier_create(request):
    if not perms_chantiers.can_create_chantier(request.user):
        raise PermissionDenied
    contrat = contrat_courant(request)
    return _form_page(request, ChantierTremplin(), contrat)


def chantier_update(request, pk):
    chantier = _chantier(request, pk)
    if not perms_chantiers.can_edit_chantier(request.user, chantier):
        raise PermissionDenied
    return _form_page(request, chantier, chantier.quartier.contrat)


def chantier_bilan(request):
    """The counts per quartier and year of the current contract's sites: sites,
    participants, women, men, residents of the QPV and each outcome, with totals."""
    _check_view(request)
    contrat = contrat_courant(request)
    form, chantiers = _filtres(request, contrat)
    return render(
        request,
        "gup/chantier_bilan.html",
        {
            "contrat": contrat,
            "form": form,
            "bilan": selectors_chantiers.chantiers_bilan(chantiers),
        },
    )


def chantier_bilan_excel(request):
    """The same counts as a formatted workbook."""
    _check_view(request)
    contrat = contrat_courant(request)
    _form, chantiers = _filtres(request, contrat)
    workbook = bilan_workbook(
        selectors_chantiers.chantiers_bilan(chantiers),
        selectors_chantiers.with_list_related_data(chantiers),
    )
    return workbook_response(workbook, "bilan-chantiers-tremplin.xlsx")
