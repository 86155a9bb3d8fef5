"""Pages of the follow-up after the committee: the conventions (printable), the payments,
the porteur's bilan, the late bilans; and what the action page shows of them."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from cdv.formats import montant
from cdv.models import Organisation
from cdv.selectors import contrat_courant
from programmation import perms, selectors, services
from programmation.enums import ETATS_PROGRAMMES, TRANSITIONS, EtatAction
from programmation.forms import error_dict
from programmation.forms_suivi import BilanForm, ConventionForm, VersementForm
from programmation.models import Action, Bilan, BilanQuartier, Convention, Versement

# Where a refused deposit of the bilan leaves its errors for the form page it redirects to.
BILAN_ERRORS = "programmation_erreurs_bilan"
# States whose action page shows conventions and payments.
ETATS_SUIVI = ETATS_PROGRAMMES | {EtatAction.NON_REALISEE}


def _action(request, pk):
    return get_object_or_404(
        Action.objects.for_user(request.user).select_related("appel__contrat", "porteur"), pk=pk
    )


def _convention(request, pk):
    return get_object_or_404(
        Convention.objects.for_user(request.user).select_related(
            "action__appel__contrat", "action__porteur", "action__pilier", "financeur"
        ),
        pk=pk,
    )


def _suivi_url(action):
    return reverse("programmation:action_detail", args=[action.pk]) + "#suivi-titre"


def suivi_context(user, action):
    """What the action page shows after the committee: the conventions the user may read, what
    each funder granted, paid and still owes, the payments, and the bilan once deposited."""
    if action.etat not in ETATS_SUIVI:
        return {"suivi": False}
    conventions = [
        convention
        for convention in action.conventions.select_related("financeur").order_by("financeur__nom")
        if perms.can_view_convention(user, convention)
    ]
    lisibles = [convention.pk for convention in conventions]
    context = {
        "suivi": True,
        "conventions": conventions,
        "montants": selectors.montants_verses(action),
        "versements": list(
            Versement.objects.for_user(user)
            .filter(convention__in=lisibles)
            .select_related("convention__financeur")
            .order_by("date", "pk")
        ),
        "can_manage_conventions": perms.can_manage_conventions(user, action),
        "can_record_versement": perms.can_record_versement(user, action),
        "can_edit_bilan": perms.can_edit_bilan(user, action),
    }
    bilan = Bilan.objects.for_user(user).filter(action=action, date_depot__isnull=False).first()
    if bilan is not None:
        context.update(
            bilan=bilan,
            bilan_quartiers=bilan.quartiers.select_related("quartier"),
            ecarts=selectors.ecarts_budget(action),
            seuil=action.appel.seuil_ecart_bilan,
        )
    return context


# Conventions -------------------------------------------------------------------------------


def convention_create(request, pk):
    """The convention signed with one of the funders that granted an amount to a programmed
    action; once every such funder has signed, the action is "conventionnée"."""
    user = request.user
    action = _action(request, pk)
    if not perms.can_manage_conventions(user, action):
        raise PermissionDenied
    a_conventionner = [
        ligne
        for ligne in selectors.montants_verses(action)
        if ligne.accorde > 0 and ligne.convention_id is None
    ]
    kwargs = {
        "action": action,
        "financeurs": Organisation.objects.for_user(user),
        "a_conventionner": a_conventionner,
    }
    if request.method == "POST":
        form = ConventionForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                convention = services.convention_create(
                    action=action, user=user, **form.service_kwargs()
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(
                    request, f"La convention avec {convention.financeur.nom} est enregistrée."
                )
                return redirect("programmation:convention_detail", convention.pk)
    else:
        form = ConventionForm(**kwargs)
    return render(
        request,
        "programmation/convention_form.html",
        {
            "action": action,
            "form": form,
            "a_conventionner": a_conventionner,
            "erreurs": form.summary() if form.is_bound else [],
            "erreurs_titre": "La convention n'est pas enregistrée : corrigez les champs signalés.",
        },
    )


def convention_detail(request, pk):
    """The convention as it is printed and signed: the parties, the action, the amount of
    each year, the payments and what remains to pay, the signature blocks."""
    user = request.user
    convention = _convention(request, pk)
    if not perms.can_view_convention(user, convention):
        raise PermissionDenied
    action = convention.action
    annuels = list(convention.montants_annuels.order_by("annee").values_list("annee", "montant"))
    if not annuels:
        annuels = [(action.appel.annee, convention.montant)]
    versements = list(convention.versements.order_by("date", "pk"))
    verse = selectors.verse_sur_convention(convention)
    return render(
        request,
        "programmation/convention_detail.html",
        {
            "convention": convention,
            "action": action,
            "annuels": annuels,
            "total_annuel": sum(value for _, value in annuels),
            "versements": versements,
            "verse": verse,
            "reste": convention.montant - verse,
            "can_record_versement": perms.can_record_versement(user, action),
        },
    )


# Payments ----------------------------------------------------------------------------------


def versement_create(request, pk):
    """Record a payment under a convention; the service refuses one beyond its amount."""
    user = request.user
    convention = _convention(request, pk)
    action = convention.action
    if not perms.can_record_versement(user, action):
        raise PermissionDenied
    if request.method == "POST":
        form = VersementForm(request.POST)
        if form.is_valid():
            try:
                versement = services.versement_record(
                    convention=convention, user=user, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(
                    request,
                    f"{versement.get_kind_display()} de {montant(versement.montant)} "
                    f"versé par {convention.financeur.nom} : enregistré.",
                )
                return redirect(_suivi_url(action))
    else:
        form = VersementForm()
    verse = selectors.verse_sur_convention(convention)
    return render(
        request,
        "programmation/versement_form.html",
        {
            "convention": convention,
            "action": action,
            "form": form,
            "versements": convention.versements.order_by("date", "pk"),
            "verse": verse,
            "reste": convention.montant - verse,
            "erreurs": form.summary() if form.is_bound else [],
            "erreurs_titre": "Le versement n'est pas enregistré : corrigez les champs signalés.",
        },
    )


# The bilan ---------------------------------------------------------------------------------


def back_to_bilan(request, action, exc):
    """After a refused deposit: the bilan form, where the errors land on their fields."""
    request.session[BILAN_ERRORS] = {"action": action.pk, "erreurs": error_dict(exc)}
    return redirect("programmation:bilan_form", action.pk)


def _bilan_form(user, action, data=None):
    bilan = Bilan.objects.for_user(user).filter(action=action).first()
    saisis = list(
        BilanQuartier.objects.for_user(user).filter(bilan__action=action).select_related("quartier")
    )
    comptes = {saisi.quartier_id: saisi.beneficiaires for saisi in saisis}
    # The action's quartiers, then any other the bilan already counts.
    quartiers = [aq.quartier for aq in action.quartiers.select_related("quartier")]
    connus = {quartier.pk for quartier in quartiers}
    quartiers += [saisi.quartier for saisi in saisis if saisi.quartier_id not in connus]
    return BilanForm(
        data,
        bilan=bilan,
        ecarts=selectors.ecarts_budget(action),
        indicateurs=list(action.indicateurs.order_by("pk")),
        quartiers=[(quartier, comptes.get(quartier.pk)) for quartier in quartiers],
    )


def bilan_form(request, pk):
    """The porteur's bilan (CERFA 15059). "Enregistrer" keeps a draft; "Déposer le bilan"
    saves the same way, then asks the service to deposit it. A refused deposit leaves the
    draft saved and comes back to this page with every problem next to its field."""
    user = request.user
    action = _action(request, pk)
    if not perms.can_edit_bilan(user, action):
        raise PermissionDenied
    titre = ""
    if request.method == "POST":
        form = _bilan_form(user, action, request.POST)
        if form.is_valid():
            try:
                services.bilan_save(action=action, user=user, **form.service_kwargs())
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                if "deposer" not in request.POST:
                    messages.success(request, "Votre bilan est enregistré.")
                    return redirect("programmation:bilan_form", action.pk)
                try:
                    action = services.action_transition(
                        action=action, code="deposer_bilan", user=user
                    )
                except ValidationError as exc:
                    return back_to_bilan(request, action, exc)
                messages.success(request, "Votre bilan est déposé : l'équipe du contrat l'a reçu.")
                return redirect("programmation:action_detail", action.pk)
        titre = "Rien n'a été enregistré : corrigez les champs signalés."
    else:
        form = _bilan_form(user, action)
        stash = request.session.get(BILAN_ERRORS)
        if stash and stash.get("action") == action.pk:
            del request.session[BILAN_ERRORS]
            form.show_errors(stash["erreurs"])
            titre = "Votre bilan est enregistré, mais il ne peut pas encore être déposé :"
    return render(
        request,
        "programmation/bilan_form.html",
        {
            "action": action,
            "form": form,
            "totaux": selectors.budget_totaux(action, field="montant_realise"),
            "seuil": action.appel.seuil_ecart_bilan,
            "erreurs": form.summary(),
            "erreurs_titre": titre,
            "depot_label": TRANSITIONS["deposer_bilan"].label,
        },
    )


# Late bilans -------------------------------------------------------------------------------


def bilans_en_retard(request):
    """The actions of the current contract whose bilan is expected past the call's deadline,
    with the porteur, the deadline, the days late and the last reminder."""
    user = request.user
    if not perms.can_list_bilans_en_retard(user):
        raise PermissionDenied
    contrat = contrat_courant(request)
    context = {"contrat": contrat}
    if contrat is not None:
        actions = Action.objects.for_user(user).filter(appel__contrat=contrat)
        context["retards"] = selectors.bilans_en_retard(actions, today=timezone.localdate())
    return render(request, "programmation/bilans_en_retard.html", context)


# Late payments -----------------------------------------------------------------------------


def versements_en_retard(request):
    """The conventions of the current contract whose advance or balance is late: nothing
    paid since the signature, or money left since the bilan was validated."""
    user = request.user
    if not perms.can_list_bilans_en_retard(user):
        raise PermissionDenied
    contrat = contrat_courant(request)
    context = {"contrat": contrat, "delai": selectors.DELAI_VERSEMENT_JOURS}
    if contrat is not None:
        conventions = Convention.objects.for_user(user).filter(action__appel__contrat=contrat)
        context["retards"] = selectors.versements_en_retard(conventions, today=timezone.localdate())
    return render(request, "programmation/versements_en_retard.html", context)
