"""Pages of the TFPB abatement: the conventions of the current contract, each convention with
its dwellings, yearly abatements and valued actions, the forms that enter them, and the
yearly bilan (page and workbook). Every page starts from the models' for_user()."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cdv.excel import workbook_response
from cdv.selectors import contrat_courant
from gup import perms_tfpb, selectors_tfpb, services_tfpb
from gup.exports_tfpb import bilan_workbook
from gup.forms_tfpb import AbattementsForm, ActionForm, AnneeForm, ConventionForm, PatrimoineForm
from gup.models import ActionTFPB, ConventionTFPB, PatrimoineTFPB
from quartiers.models import Quartier


def _lecteur(request):
    if not perms_tfpb.can_view_tfpb(request.user):
        raise PermissionDenied("Votre rôle ne donne pas accès à l'abattement TFPB.")
    return contrat_courant(request)


def _convention(request, pk):
    _lecteur(request)
    return get_object_or_404(
        ConventionTFPB.objects.for_user(request.user).select_related("bailleur", "contrat"),
        pk=pk,
    )


def _annee_demandee(request):
    try:
        return int(request.GET.get("annee", ""))
    except ValueError:
        return None


def _detail_url(convention, ancre=""):
    return reverse("gup:tfpb_convention", args=[convention.pk]) + ancre


def tfpb_list(request):
    """The conventions of the current contract (a landlord's own, for its intervenant)."""
    contrat = _lecteur(request)
    conventions = selectors_tfpb.conventions_list(user=request.user, contrat=contrat)
    return render(
        request,
        "gup/tfpb_list.html",
        {
            "contrat": contrat,
            "conventions": conventions,
            "total_abattement": sum(c.total_abattement for c in conventions),
            "total_realise": sum(c.total_realise for c in conventions),
            "ratio": selectors_tfpb.taux(
                sum(c.total_realise for c in conventions),
                sum(c.total_abattement for c in conventions),
            ),
            "peut_creer": contrat is not None
            and perms_tfpb.can_manage_convention(request.user, contrat.pk),
        },
    )


def tfpb_convention(request, pk):
    """A convention: dwellings per quartier, the grid of yearly abatements, the actions by
    year and axis."""
    convention = _convention(request, pk)
    peut_gerer = perms_tfpb.can_manage_convention(request.user, convention.contrat_id)
    return render(
        request,
        "gup/tfpb_convention.html",
        {
            "convention": convention,
            "detail": selectors_tfpb.convention_detail(convention=convention, user=request.user),
            "peut_gerer": peut_gerer,
            # Whoever manages the convention also enters its figures (perms_tfpb).
            "peut_saisir": peut_gerer or perms_tfpb.can_enter_tfpb(request.user, convention),
        },
    )


def _convention_form(request, convention=None):
    contrat = convention.contrat if convention is not None else _lecteur(request)
    if contrat is None or not perms_tfpb.can_manage_convention(request.user, contrat.pk):
        raise PermissionDenied(services_tfpb.REFUS_CONVENTION)
    if request.method == "POST":
        form = ConventionForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                convention = services_tfpb.convention_save(
                    user=request.user, contrat=contrat, convention=convention, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, "La convention est enregistrée.")
                return redirect(_detail_url(convention))
    else:
        initial = ConventionForm.initial_of(convention) if convention else {}
        if convention is None:
            initial = {"annee_debut": contrat.annee_debut, "annee_fin": contrat.annee_fin}
        form = ConventionForm(initial=initial, user=request.user)
    return render(
        request,
        "gup/tfpb_convention_form.html",
        {"form": form, "convention": convention, "contrat": contrat},
    )


def tfpb_convention_create(request):
    """A new landlord's convention in the current contract (coordination GUP)."""
    return _convention_form(request)


def tfpb_convention_edit(request, pk):
    """Change a convention's landlord, period, signature or comment (coordination GUP)."""
    return _convention_form(request, _convention(request, pk))


def tfpb_patrimoine(request, pk):
    """The landlord's dwellings in each quartier of the contract (coordination GUP)."""
    convention = _convention(request, pk)
    if not perms_tfpb.can_manage_convention(request.user, convention.contrat_id):
        raise PermissionDenied(services_tfpb.REFUS_CONVENTION)
    quartiers = Quartier.objects.for_user(request.user).filter(contrat_id=convention.contrat_id)
    existants = dict(
        PatrimoineTFPB.objects.for_user(request.user)
        .filter(convention=convention)
        .values_list("quartier_id", "nb_logements")
    )
    options = {"quartiers": quartiers.order_by("nom"), "existants": existants}
    form = PatrimoineForm(request.POST or None, **options)
    if request.method == "POST" and form.is_valid():
        try:
            services_tfpb.patrimoine_save(
                user=request.user, convention=convention, logements=form.logements()
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, "Le patrimoine de la convention est enregistré.")
            return redirect(_detail_url(convention, "#patrimoine"))
    return render(
        request, "gup/tfpb_patrimoine_form.html", {"form": form, "convention": convention}
    )


def _quartiers(request, convention):
    """The quartiers of the convention's dwellings (the landlord does not follow the
    contract: the convention, already scoped, is the scope here)."""
    ids = (
        PatrimoineTFPB.objects.for_user(request.user)
        .filter(convention=convention)
        .values("quartier_id")
    )
    return Quartier.objects.filter(pk__in=ids).order_by("nom")  # unscoped: via the convention


def tfpb_abattements(request, pk):
    """Enter a year's abatement in each quartier of the convention (coordination GUP and the
    landlord itself); ?annee= opens that year's amounts."""
    convention = _convention(request, pk)
    if not perms_tfpb.can_enter_tfpb(request.user, convention):
        raise PermissionDenied(services_tfpb.REFUS_SAISIE)
    quartiers = list(_quartiers(request, convention))
    if request.method == "POST":
        form = AbattementsForm(request.POST, quartiers=quartiers)
        if form.is_valid():
            try:
                services_tfpb.abattements_save(
                    user=request.user,
                    convention=convention,
                    annee=form.cleaned_data["annee"],
                    montants=form.montants(),
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(
                    request, f"Les abattements {form.cleaned_data['annee']} sont enregistrés."
                )
                return redirect(_detail_url(convention, "#abattements"))
    else:
        annee = _annee_demandee(request) or convention.annee_debut
        initial = {"annee": annee}
        for abattement in convention.abattements.filter(annee=annee):
            initial[f"montant_{abattement.quartier_id}"] = abattement.montant
        form = AbattementsForm(initial=initial, quartiers=quartiers)
    return render(
        request,
        "gup/tfpb_abattements_form.html",
        {
            "form": form,
            "convention": convention,
            "annees": range(convention.annee_debut, convention.annee_fin + 1),
            "annee_ouverte": str(form["annee"].value()),
        },
    )


def _action_form(request, convention, action=None):
    if not perms_tfpb.can_enter_tfpb(request.user, convention):
        raise PermissionDenied(services_tfpb.REFUS_SAISIE)
    options = {
        "convention": convention,
        "quartiers": _quartiers(request, convention),
        "user": request.user,
    }
    if request.method == "POST":
        form = ActionForm(request.POST, **options)
        if form.is_valid():
            try:
                action = services_tfpb.action_save(
                    user=request.user, convention=convention, action=action, **form.champs()
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, f"L'action « {action.intitule} » est enregistrée.")
                return redirect(_detail_url(convention, f"#actions-{action.annee}"))
    else:
        initial = ActionForm.initial_of(action) if action else {}
        if action is None and _annee_demandee(request):
            initial["annee"] = _annee_demandee(request)
        form = ActionForm(initial=initial, **options)
    return render(
        request,
        "gup/tfpb_action_form.html",
        {"form": form, "convention": convention, "action": action},
    )


def tfpb_action_create(request, pk):
    """A new action valued against the convention's abatement."""
    return _action_form(request, _convention(request, pk))


def _action(request, pk):
    _lecteur(request)
    return get_object_or_404(
        ActionTFPB.objects.for_user(request.user).select_related(
            "convention__bailleur", "convention__contrat"
        ),
        pk=pk,
    )


def tfpb_action_edit(request, pk):
    """Change an action (its realised amount, once known)."""
    action = _action(request, pk)
    return _action_form(request, action.convention, action)


@require_POST
def tfpb_action_delete(request, pk):
    """Remove an action entered by mistake."""
    action = _action(request, pk)
    convention = action.convention
    if not perms_tfpb.can_enter_tfpb(request.user, convention):
        raise PermissionDenied(services_tfpb.REFUS_SAISIE)
    services_tfpb.action_delete(user=request.user, action=action)
    messages.success(request, f"L'action « {action.intitule} » est supprimée.")
    return redirect(_detail_url(convention, "#actions"))


def _bilan(request):
    contrat = _lecteur(request)
    return selectors_tfpb.bilan_tfpb(
        user=request.user, contrat=contrat, annee=_annee_demandee(request)
    )


def tfpb_bilan(request):
    """The bilan of a year per landlord, per quartier and per axis, and the abatement and
    realised amounts over the years (chart and its table)."""
    bilan = _bilan(request)
    annees = sorted(set(bilan.annees) | ({bilan.annee} if bilan.annee else set()))
    return render(
        request,
        "gup/tfpb_bilan.html",
        {
            "bilan": bilan,
            "form": AnneeForm(initial={"annee": bilan.annee}, annees=annees),
            "graphique": bilan.graphique(),
        },
    )


def tfpb_bilan_excel(request):
    """The bilan as a workbook: the same figures as the page."""
    bilan = _bilan(request)
    nom = f"bilan-tfpb-{bilan.annee}.xlsx" if bilan.annee else "bilan-tfpb.xlsx"
    return workbook_response(bilan_workbook(bilan), nom)
