"""Pages of calls for projects and applications: calls, the application form, the action
page with its workflow, lists."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cdv import audit
from programmation import perms, selectors, services
from programmation.enums import TRANSITIONS, CoteBudget, EtatAction, EtatAppel
from programmation.forms import Demande, TransitionForm, error_dict
from programmation.models import Action, AppelAProjets, Priorite
from programmation.views import suivi

# Where a failed submission leaves its errors for the form page it redirects to.
SUBMISSION_ERRORS = "programmation_erreurs_depot"
NOT_SAVED = "Rien n'a été enregistré : corrigez les champs signalés."
SUBMITTED = {
    "deposer": "Votre demande est déposée : l'équipe du contrat l'a reçue.",
    "completer": "Votre demande complétée est renvoyée à l'instruction.",
}


def _appels(user):
    priorites = (
        Priorite.objects.for_user(user)
        .select_related("pilier")
        .prefetch_related("objectifs")
        .order_by("pilier__ordre", "pilier__nom")
    )
    return (
        AppelAProjets.objects.for_user(user)
        .select_related("contrat")
        .prefetch_related(Prefetch("priorites", queryset=priorites))
    )


def appel_list(request):
    appels = list(
        _appels(request.user)
        .annotate(
            rang=Case(
                When(etat=EtatAppel.OUVERT, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("rang", "-annee", "titre", "pk")
    )
    for appel in appels:
        appel.can_apply = perms.can_apply(request.user, appel)
    return render(request, "programmation/appel_list.html", {"appels": appels})


def appel_detail(request, pk):
    user = request.user
    appel = get_object_or_404(_appels(user).prefetch_related("enveloppes__financeur"), pk=pk)
    mes_demandes = []
    if user.organisation_id:
        mes_demandes = Action.objects.for_user(user).filter(
            appel=appel, porteur_id=user.organisation_id
        )
    return render(
        request,
        "programmation/appel_detail.html",
        {"appel": appel, "can_apply": perms.can_apply(user, appel), "mes_demandes": mes_demandes},
    )


def _action(request, pk):
    return get_object_or_404(
        Action.objects.for_user(request.user).select_related(
            "appel__contrat",
            "porteur",
            "pilier",
            "objectif",
            "thematique__parent",
            "reconduction_de__appel",
            "instructeur",
        ),
        pk=pk,
    )


def _submission_code(action):
    return "completer" if action.etat == EtatAction.A_COMPLETER else "deposer"


def _demande(request, action, data=None):
    user = request.user
    reconductibles = (
        Action.objects.for_user(user)
        .filter(porteur_id=action.porteur_id, appel__annee__lt=action.appel.annee)
        .select_related("appel")
        .order_by("-appel__annee", "intitule")
    )
    return Demande(
        data,
        action=action,
        user=user,
        reconductibles=reconductibles,
        quartiers=action.appel.contrat.quartiers.order_by("kind", "nom"),
    )


def _back_to_form(request, action, exc):
    """After a refused submission: the form page, where the errors land on their fields."""
    request.session[SUBMISSION_ERRORS] = {"action": action.pk, "erreurs": error_dict(exc)}
    return redirect("programmation:action_edit", action.pk)


def _application(request, action):
    """The application form, to create (unsaved `action`) or edit a draft.

    "Enregistrer le brouillon" keeps whatever is valid field by field; "Déposer" saves the
    same way, then asks the service to submit. A refused submission leaves the draft saved
    and comes back to this page with every problem next to its field. A save made over a
    version someone else saved meanwhile writes nothing (see _conflict).
    """
    user = request.user
    code = _submission_code(action)
    intitule = action.intitule  # as saved: the form writes the typed one on the instance
    if request.method == "POST":
        demande = _demande(request, action, request.POST)
        if demande.is_valid():
            try:
                action = services.action_content_save(
                    action=action,
                    user=user,
                    version=demande.form.cleaned_data["version"],
                    formulaire=demande,
                )
            except services.VersionPerimee as exc:
                return _conflict(request, exc)
            except ValidationError as exc:
                demande.show_errors(error_dict(exc))
                return _render_application(
                    request, action, demande, intitule, code, titre=NOT_SAVED
                )
            if "deposer" not in request.POST:
                messages.success(request, "Votre brouillon est enregistré.")
                return redirect("programmation:action_edit", action.pk)
            try:
                services.action_transition(action=action, code=code, user=user)
            except ValidationError as exc:
                return _back_to_form(request, action, exc)
            messages.success(request, SUBMITTED[code])
            return redirect("programmation:action_detail", action.pk)
        titre = NOT_SAVED
    else:
        demande = _demande(request, action)
        titre = ""
        stash = request.session.get(SUBMISSION_ERRORS)
        if stash and stash.get("action") == action.pk:
            del request.session[SUBMISSION_ERRORS]
            demande.show_errors(stash["erreurs"])
            titre = (
                "Votre brouillon est enregistré, mais la demande ne peut pas encore être déposée :"
            )
    return _render_application(request, action, demande, intitule, code, titre=titre)


def _conflict(request, exc):
    """Someone saved the application since this user read it: nothing of theirs was
    written. The form comes back with what they typed, now at the current version (so that
    saving again is a deliberate choice), and the fields where it differs from what is
    saved, so that nothing typed is lost."""
    actuel = exc.actuel
    action = _action(request, actuel.pk)  # a second copy: the form writes the input on it
    data = request.POST.copy()
    data["action-version"] = str(actuel.version)
    demande = _demande(request, action, data)
    demande.is_valid()
    return _render_application(
        request,
        action,
        demande,
        actuel.intitule,
        _submission_code(actuel),
        titre=NOT_SAVED,
        conflit=exc.messages[0],
        differences=demande.differences(actuel),
    )


def _render_application(request, action, demande, intitule, code, *, titre, **extra):
    context = {
        "action": action,
        "intitule": intitule,
        "appel": action.appel,
        "demande": demande,
        "erreurs": demande.summary(),
        "erreurs_titre": titre,
        "depot_label": TRANSITIONS[code].label,
        **extra,
    }
    if action.pk:
        context["totaux"] = selectors.budget_totaux(action)
    return render(request, "programmation/action_form.html", context)


def action_create(request, pk):
    user = request.user
    appel = get_object_or_404(AppelAProjets.objects.for_user(user).select_related("contrat"), pk=pk)
    if not perms.can_apply(user, appel):
        raise PermissionDenied
    return _application(request, Action(appel=appel, porteur=user.organisation))


def action_edit(request, pk):
    action = _action(request, pk)
    if not perms.can_edit_application(request.user, action):
        raise PermissionDenied
    return _application(request, action)


def _detail(request, action, *, erreurs=None, form=None):
    user = request.user
    lignes = list(action.lignes_budget.select_related("financeur"))
    etapes = [
        {
            "transition": transition,
            "commentaire_requis": transition.code in services.COMMENT_REQUIRED,
            "erreurs": (erreurs or {}).get(transition.code, []),
            "commentaire": form.data.get("commentaire", "")
            if form and form.data.get("code") == transition.code
            else "",
        }
        for transition in perms.available_transitions(user, action)
    ]
    context = {
        "action": action,
        "axes": action.axes.all(),
        "quartiers": action.quartiers.select_related("quartier"),
        "indicateurs": action.indicateurs.all(),
        "financements": action.financements.select_related("financeur"),
        "montant_demande": selectors.montant_demande_total(action),
        "charges": [ligne for ligne in lignes if ligne.cote == CoteBudget.CHARGE],
        "produits": [ligne for ligne in lignes if ligne.cote == CoteBudget.PRODUIT],
        "totaux": selectors.budget_totaux(action),
        "historique": action.transitions.select_related("auteur__organisation"),
        "avis": action.avis.select_related("financeur", "auteur"),
        "can_read_private": perms.can_read_private_annotations(user, action),
        "can_edit": perms.can_edit_application(user, action),
        "etapes": etapes,
        "journal": audit.journal(action) if perms.can_view_journal(user, action) else None,
    }
    context.update(suivi.suivi_context(user, action))
    return render(request, "programmation/action_detail.html", context)


def action_detail(request, pk):
    return _detail(request, _action(request, pk))


@require_POST
def action_step(request, pk):
    """One step of the workflow, taken from the action's page. The service checks the
    table (PermissionDenied: 403) and the content (ValidationError: shown on the page)."""
    user = request.user
    action = _action(request, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Cette étape n'existe pas.")
        return redirect("programmation:action_detail", action.pk)
    code = form.cleaned_data["code"]
    try:
        action = services.action_transition(
            action=action, code=code, user=user, commentaire=form.cleaned_data["commentaire"]
        )
    except ValidationError as exc:
        if code in services.SUBMISSIONS and perms.can_edit_application(user, action):
            return _back_to_form(request, action, exc)
        if code in services.BILAN_SUBMISSIONS and perms.can_edit_bilan(user, action):
            return suivi.back_to_bilan(request, action, exc)
        errors = [message for messages_ in error_dict(exc).values() for message in messages_]
        return _detail(request, action, erreurs={code: errors}, form=form)
    messages.success(
        request,
        f"« {TRANSITIONS[code].label} » : l'action est maintenant à l'état "
        f"« {action.get_etat_display()} ».",
    )
    return redirect("programmation:action_detail", action.pk)


def action_mine(request):
    """The porteur's applications, every call and year."""
    user = request.user
    actions = []
    if user.organisation_id:
        actions = list(
            Action.objects.for_user(user)
            .filter(porteur_id=user.organisation_id)
            .with_list_related_data()
            .order_by("-appel__annee", "intitule", "pk")
        )
        for action in actions:
            action.can_edit = perms.can_edit_application(user, action)
    bilans = [action for action in actions if action.etat == EtatAction.BILAN_ATTENDU]
    return render(
        request,
        "programmation/action_mine.html",
        {"actions": actions, "bilans_a_rendre": bilans},
    )
