"""Pages of the funders' opinions and of the programming committee: the opinion form, the
list of opinions to give, instruction in batches, the committee's decisions and its pack."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render

from cdv.excel import workbook_response
from cdv.selectors import contrat_courant
from programmation import exports_comite, perms, selectors, services
from programmation.enums import EtatAction
from programmation.forms import error_dict
from programmation.forms_comite import AvisForm, DecisionForm
from programmation.models import Action, AppelAProjets, Avis


class _Rollback(Exception):
    """Raised to undo every decision of a committee when one of them is refused."""


def _messages_of(exc):
    if isinstance(exc, ValidationError):
        return [message for messages_ in error_dict(exc).values() for message in messages_]
    return [str(exc) or "Vous ne pouvez pas franchir cette étape."]


# The opinion of a solicited funder ---------------------------------------------------------


def avis_form(request, pk):
    """The opinion of the user's organisation on one action, given or revised while the
    action awaits the funders' opinions."""
    user = request.user
    action = get_object_or_404(
        Action.objects.for_user(user).select_related("appel__contrat", "porteur"), pk=pk
    )
    if not perms.can_give_avis(user, action):
        raise PermissionDenied
    avis = Avis.objects.for_user(user).filter(action=action, financeur_id=user.organisation_id)
    avis = avis.first()
    if request.method == "POST":
        form = AvisForm(request.POST)
        if form.is_valid():
            try:
                services.avis_record(action=action, user=user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                verbe = "modifié" if avis else "enregistré"
                messages.success(request, f"L'avis de votre organisation est {verbe}.")
                return redirect("programmation:action_detail", action.pk)
    else:
        initial = {}
        if avis is not None:
            initial = {
                "sens": avis.sens,
                "montant_propose": avis.montant_propose,
                "commentaire": avis.commentaire,
                "annotation_privee": avis.annotation_privee,
            }
        form = AvisForm(initial=initial)
    financements = action.financements.filter(financeur_id=user.organisation_id)
    return render(
        request,
        "programmation/avis_form.html",
        {
            "action": action,
            "avis": avis,
            "form": form,
            "financements": financements.order_by("nature"),
            "erreurs": form.summary() if form.is_bound else [],
            "erreurs_titre": "Votre avis n'est pas enregistré : corrigez les champs signalés.",
        },
    )


def avis_a_donner(request):
    """The actions of the current contract on which the user's organisation owes its opinion."""
    user = request.user
    if not perms.can_list_avis_a_donner(user):
        raise PermissionDenied
    contrat = contrat_courant(request)
    context = {"contrat": contrat}
    if contrat is not None:
        actions = Action.objects.for_user(user).filter(appel__contrat=contrat)
        context["actions"] = list(
            selectors.avis_a_donner(actions, organisation_id=user.organisation_id).order_by(
                "appel__date_comite", "intitule", "pk"
            )
        )
    return render(request, "programmation/avis_a_donner.html", context)


# Instruction in batches --------------------------------------------------------------------


def instruction_groupee(request):
    """The deposited applications of the current contract, to take many into instruction
    at once. Each goes through the workflow on its own; each result is reported."""
    user = request.user
    if not perms.can_run_comite(user):
        raise PermissionDenied
    contrat = contrat_courant(request)
    context = {"contrat": contrat}
    if contrat is None:
        return render(request, "programmation/comite_instruction.html", context)
    deposees = Action.objects.for_user(user).filter(appel__contrat=contrat, etat=EtatAction.DEPOSEE)
    if request.method == "POST":
        choisies = request.POST.getlist("actions")
        if not choisies:
            context["erreur"] = "Cochez au moins une demande à prendre en instruction."
        else:
            context["resultats"] = _instruire(user, contrat, choisies)
    context["actions"] = list(
        deposees.with_list_related_data().order_by("deposee_le", "intitule", "pk")
    )
    return render(request, "programmation/comite_instruction.html", context)


def _instruire(user, contrat, choisies):
    """Take each chosen action into instruction; one result (action, success, message) each,
    in the order they were chosen."""
    ids = []
    for value in dict.fromkeys(choisies):
        try:
            ids.append(int(value))
        except ValueError:
            ids.append(value)
    visibles = Action.objects.for_user(user).filter(appel__contrat=contrat)
    trouvees = visibles.in_bulk([pk for pk in ids if isinstance(pk, int)])
    resultats = []
    for pk in ids:
        action = trouvees.get(pk)
        if action is None:
            resultats.append(
                {"intitule": f"Demande n° {pk}", "ok": False, "message": "Demande introuvable."}
            )
            continue
        try:
            action = services.action_transition(action=action, code="instruire", user=user)
        except (ValidationError, PermissionDenied) as exc:
            resultats.append(
                {"action": action, "ok": False, "message": " ".join(_messages_of(exc))}
            )
        else:
            resultats.append({"action": action, "ok": True, "message": "Prise en instruction."})
    return resultats


# The programming committee -----------------------------------------------------------------


def comite_list(request):
    """The calls of the current contract, with how many actions await the committee."""
    user = request.user
    if not perms.can_view_dossier_comite(user):
        raise PermissionDenied
    contrat = contrat_courant(request)
    context = {"contrat": contrat, "can_decide": perms.can_run_comite(user)}
    if contrat is not None:
        appels = AppelAProjets.objects.for_user(user).filter(contrat=contrat)
        actions = Action.objects.for_user(user)
        context["appels"] = selectors.appels_en_comite(appels, actions)
    return render(request, "programmation/comite_list.html", context)


def _appel(request, pk):
    return get_object_or_404(
        AppelAProjets.objects.for_user(request.user).select_related("contrat"), pk=pk
    )


def _a_decider(request, appel):
    return Action.objects.for_user(request.user).filter(
        appel=appel, etat=EtatAction.AVIS_FINANCEURS
    )


def comite(request, pk):
    """The committee of a call: every action awaiting the funders' opinions with its amounts
    and opinions, and a decision for each. The decisions are recorded together or not at all."""
    user = request.user
    if not perms.can_run_comite(user):
        raise PermissionDenied
    appel = _appel(request, pk)
    dossier = selectors.dossier_comite(_a_decider(request, appel))
    data = request.POST if request.method == "POST" else None
    forms = [DecisionForm(data, item=item) for item in dossier.actions]
    erreurs, titre = [], ""
    if data is not None:
        decided = _decide(request, forms)
        if decided:
            return redirect("programmation:comite", appel.pk)
        erreurs = [item for form in forms for item in form.summary()]
        titre = (
            "Aucune décision n'est enregistrée : corrigez les décisions signalées."
            if erreurs
            else ""
        )
    return render(
        request,
        "programmation/comite.html",
        {
            "appel": appel,
            "dossier": dossier,
            "forms": forms,
            "erreurs": erreurs,
            "erreurs_titre": titre,
        },
    )


def _decide(request, forms):
    """Record every decision of the committee in one transaction. True when recorded; False
    (nothing recorded, errors on the forms or a message) otherwise."""
    user = request.user
    valid = all([form.is_valid() for form in forms])
    decided = [form for form in forms if form.is_valid() and form.cleaned_data["decision"]]
    if valid and not decided:
        messages.error(request, "Choisissez au moins une décision : rien n'est enregistré.")
        return False
    recorded = []
    try:
        with transaction.atomic():
            for form in decided:
                code = form.cleaned_data["decision"]
                try:
                    action = services.comite_decide(
                        action=form.action,
                        user=user,
                        code=code,
                        montants=form.montants_accordes() if code == "programmer" else None,
                        commentaire=form.cleaned_data["commentaire"],
                    )
                except ValidationError as exc:
                    form.add_service_errors(exc)
                except PermissionDenied as exc:
                    form.add_error(None, _messages_of(exc))
                else:
                    recorded.append(action)
            if not valid or any(form.errors for form in decided):
                raise _Rollback
    except _Rollback:
        return False
    par_etat = {}
    for action in recorded:
        par_etat.setdefault(action.get_etat_display().lower(), []).append(action.intitule)
    detail = " ; ".join(f"{etat} : {', '.join(noms)}" for etat, noms in par_etat.items())
    n = len(recorded)
    messages.success(
        request,
        f"{n} décision{'s' if n > 1 else ''} du comité enregistrée{'s' if n > 1 else ''} "
        f"({detail}).",
    )
    return True


def comite_dossier(request, pk):
    """The committee pack of a call, as a page: the actions to decide with the amounts
    asked of each funder, their opinions and proposed amounts."""
    user = request.user
    if not perms.can_view_dossier_comite(user):
        raise PermissionDenied
    appel = _appel(request, pk)
    dossier = selectors.dossier_comite(_a_decider(request, appel))
    return render(
        request,
        "programmation/comite_dossier.html",
        {"appel": appel, "dossier": dossier, "can_decide": perms.can_run_comite(user)},
    )


def comite_dossier_excel(request, pk):
    """The committee pack of a call, as an Excel workbook."""
    user = request.user
    if not perms.can_view_dossier_comite(user):
        raise PermissionDenied
    appel = _appel(request, pk)
    dossier = selectors.dossier_comite(_a_decider(request, appel))
    workbook = exports_comite.dossier_workbook(dossier, appel=appel)
    return workbook_response(workbook, f"dossier-comite-{appel.annee}-{appel.pk}.xlsx")
