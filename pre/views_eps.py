"""Pages of the EPS: the teams of the current contract and their members, the commissions,
and a commission's page — agenda, attendance, decisions, minutes. Only the PRE's staff and
the members of a commission's team open a commission; every child named on a page is
written in the log of reads."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cdv.selectors import contrat_courant
from pre import perms, services_eps
from pre.enums import DecisionEPS
from pre.forms_eps import (
    CommissionForm,
    CompteRenduForm,
    DecisionForm,
    EquipeForm,
    MembresForm,
    PresentsForm,
    SituationForm,
)
from pre.models import CommissionEPS, EquipeEPS, SituationCommission
from pre.services_journal import journaliser_plusieurs

OBJET_JOURNAL = "ordre du jour de commission"


def _check_view(request):
    if not perms.can_view_pre(request.user):
        raise PermissionDenied


def _check_manage(request, contrat_id):
    if not perms.can_manage_eps(request.user, contrat_id):
        raise PermissionDenied


def _add_errors(form, exc):
    for field, errors in exc.message_dict.items():
        for message in errors:
            form.add_error(field if field in form.fields else None, message)


def _commission(request, pk):
    _check_view(request)
    return get_object_or_404(
        CommissionEPS.objects.for_user(request.user).select_related("equipe__contrat"), pk=pk
    )


# Teams -------------------------------------------------------------------------------------


def equipe_list(request):
    """The EPS teams of the current contract the user sees, with their members."""
    _check_view(request)
    contrat = contrat_courant(request)
    equipes = (
        EquipeEPS.objects.for_user(request.user)
        .filter(contrat=contrat)
        .prefetch_related("membres")
        .order_by("nom")
        if contrat
        else EquipeEPS.objects.none()
    )
    return render(
        request,
        "pre/eps_equipe_list.html",
        {
            "contrat": contrat,
            "equipes": equipes,
            "can_manage": contrat is not None and perms.can_manage_eps(request.user, contrat.pk),
        },
    )


def equipe_create(request):
    _check_view(request)
    contrat = contrat_courant(request)
    _check_manage(request, contrat.pk if contrat else None)
    form = EquipeForm(request.POST or None)
    if form.is_valid():
        try:
            equipe = services_eps.equipe_create(
                contrat=contrat, nom=form.cleaned_data["nom"], user=request.user
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"L'équipe « {equipe.nom} » est créée.")
            return redirect("pre:equipe_membres", equipe.pk)
    return render(request, "pre/eps_equipe_form.html", {"contrat": contrat, "form": form})


def equipe_membres(request, pk):
    """Add or remove the members of a team, among the people of its contract."""
    _check_view(request)
    equipe = get_object_or_404(
        EquipeEPS.objects.for_user(request.user).select_related("contrat"), pk=pk
    )
    _check_manage(request, equipe.contrat_id)
    form = MembresForm(
        request.POST or None,
        possibles=services_eps.membres_possibles(equipe.contrat),
        initial={"membres": list(equipe.membres.all())},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services_eps.equipe_set_membres(
                equipe=equipe, membres=list(form.cleaned_data["membres"]), user=request.user
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"Les membres de l'équipe « {equipe.nom} » sont enregistrés.")
            return redirect("pre:equipe_list")
    return render(request, "pre/eps_equipe_membres.html", {"equipe": equipe, "form": form})


# Commissions -------------------------------------------------------------------------------


def commission_list(request):
    """The commissions of the current contract: all of them for the PRE's staff, those of
    its teams for an EPS member. No child is named here."""
    _check_view(request)
    contrat = contrat_courant(request)
    commissions = (
        CommissionEPS.objects.for_user(request.user).filter(equipe__contrat=contrat)
        if contrat
        else CommissionEPS.objects.none()
    )
    return render(
        request,
        "pre/commission_list.html",
        {
            "contrat": contrat,
            "commissions": services_eps.commissions_with_list_related_data(commissions),
            "can_manage": contrat is not None and perms.can_manage_eps(request.user, contrat.pk),
        },
    )


def commission_create(request):
    _check_view(request)
    contrat = contrat_courant(request)
    _check_manage(request, contrat.pk if contrat else None)
    equipes = EquipeEPS.objects.for_user(request.user).filter(contrat=contrat).order_by("nom")
    form = CommissionForm(request.POST or None, equipes=equipes)
    if form.is_valid():
        try:
            commission = services_eps.commission_create(
                contrat=contrat, user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                f"La commission de l'{commission.equipe} du {commission.date:%d/%m/%Y} est créée.",
            )
            return redirect("pre:commission_detail", commission.pk)
    return render(request, "pre/commission_form.html", {"contrat": contrat, "form": form})


def _detail(request, commission, *, situation_form=None, presents_form=None,
            compte_rendu_form=None, decision_forms=None):  # fmt: skip
    """The commission's page. The PRE's staff get the forms; the team's members read. The
    children it names (agenda, and for the staff the referrals that may join it) are logged."""
    user = request.user
    can_manage = perms.can_manage_eps(user, commission.equipe.contrat_id)
    situations = list(
        SituationCommission.objects.for_user(user)
        .filter(commission=commission)
        .select_related("reperage__enfant")
        .order_by("pk")
    )
    decision_forms = decision_forms or {}
    lignes = [
        {
            "situation": situation,
            "enfant": situation.reperage.enfant,
            "form": decision_forms.get(situation.pk)
            or (
                DecisionForm(
                    prefix=f"situation-{situation.pk}",
                    initial={
                        "decision": situation.decision,
                        "commentaire": situation.commentaire,
                    },
                )
                if can_manage and situation.decision != DecisionEPS.ENTREE
                else None
            ),
        }
        for situation in situations
    ]
    membres = commission.equipe.membres.order_by("last_name", "first_name", "email")
    presents = list(commission.presents.order_by("last_name", "first_name", "email"))
    context = {
        "commission": commission,
        "lignes": lignes,
        "presents": presents,
        "can_manage": can_manage,
    }
    enfants = {ligne["enfant"].pk: ligne["enfant"] for ligne in lignes}
    if can_manage:
        situation_form = situation_form or SituationForm(
            reperages=services_eps.reperages_a_examiner(commission.equipe.contrat)
        )
        enfants.update(
            (reperage.enfant_id, reperage.enfant)
            for reperage in situation_form.fields["reperage"].queryset
        )
        context.update(
            situation_form=situation_form,
            presents_form=presents_form
            or PresentsForm(membres=membres, initial={"presents": presents}),
            compte_rendu_form=compte_rendu_form
            or CompteRenduForm(initial={"compte_rendu": commission.compte_rendu}),
        )
    journaliser_plusieurs(user=user, enfants=enfants.values(), objet=OBJET_JOURNAL)
    return render(request, "pre/commission_detail.html", context)


def commission_detail(request, pk):
    return _detail(request, _commission(request, pk))


@require_POST
def commission_situation_add(request, pk):
    commission = _commission(request, pk)
    _check_manage(request, commission.equipe.contrat_id)
    form = SituationForm(
        request.POST, reperages=services_eps.reperages_a_examiner(commission.equipe.contrat)
    )
    if form.is_valid():
        try:
            situation = services_eps.situation_add(
                commission=commission, reperage=form.cleaned_data["reperage"], user=request.user
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                f"La situation de l'enfant n° {situation.reperage.enfant_id} est inscrite "
                "à l'ordre du jour.",
            )
            return redirect("pre:commission_detail", commission.pk)
    return _detail(request, commission, situation_form=form)


@require_POST
def commission_presents(request, pk):
    commission = _commission(request, pk)
    _check_manage(request, commission.equipe.contrat_id)
    form = PresentsForm(request.POST, membres=commission.equipe.membres.all())
    if form.is_valid():
        try:
            services_eps.commission_set_presents(
                commission=commission,
                presents=list(form.cleaned_data["presents"]),
                user=request.user,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Les présences sont enregistrées.")
            return redirect("pre:commission_detail", commission.pk)
    return _detail(request, commission, presents_form=form)


@require_POST
def commission_compte_rendu(request, pk):
    commission = _commission(request, pk)
    _check_manage(request, commission.equipe.contrat_id)
    form = CompteRenduForm(request.POST)
    if form.is_valid():
        services_eps.compte_rendu_save(
            commission=commission,
            compte_rendu=form.cleaned_data["compte_rendu"],
            user=request.user,
        )
        messages.success(request, "Le compte rendu est enregistré.")
        return redirect("pre:commission_detail", commission.pk)
    return _detail(request, commission, compte_rendu_form=form)


@require_POST
def situation_decision(request, pk):
    """Record the decision on one situation of the agenda; an entry opens the pathway (or
    puts it on the waiting list, with a warning)."""
    _check_view(request)
    situation = get_object_or_404(
        SituationCommission.objects.for_user(request.user).select_related(
            "commission__equipe__contrat", "reperage__enfant"
        ),
        pk=pk,
    )
    commission = situation.commission
    _check_manage(request, commission.equipe.contrat_id)
    form = DecisionForm(request.POST, prefix=f"situation-{situation.pk}")
    if form.is_valid():
        try:
            parcours = services_eps.situation_decide(
                situation=situation, user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            numero = situation.reperage.enfant_id
            messages.success(
                request, f"La décision sur la situation de l'enfant n° {numero} est enregistrée."
            )
            if parcours is not None and parcours.avertissement:
                messages.warning(request, parcours.avertissement)
            elif parcours is not None:
                messages.success(
                    request, f"Le parcours n° {parcours.pk} de l'enfant n° {numero} est ouvert."
                )
            return redirect("pre:commission_detail", commission.pk)
    return _detail(request, commission, decision_forms={situation.pk: form})
