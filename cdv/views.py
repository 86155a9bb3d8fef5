"""Pages of the contract core: home, contract, governance, organisation, sign-in."""

import functools

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from cdv import perms, services
from cdv.enums import NiveauObjectif, RoleCode
from cdv.files import attachment_response
from cdv.forms import ContratChoiceForm, InvitationForm, LoginForm
from cdv.models import Contrat, Instance, Objectif, Reunion, User
from cdv.selectors import SESSION_KEY, contrat_chiffres, contrat_courant


def permission_required(predicate):
    """403 unless predicate(user) holds; the rule itself lives in cdv.perms."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not predicate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def csrf_echec(request, reason=""):
    """A form sent without a valid CSRF token (settings.CSRF_FAILURE_VIEW): nothing saved,
    said in French, with the site's header."""
    return render(request, "403_csrf.html", status=403)


class LoginView(auth_views.LoginView):
    """After signing in (and without `next`), the PDV team and the partners land on the
    contract's dashboard, everybody else on the home page of their roles."""

    form_class = LoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        user = self.request.user
        if perms.lands_on_tableau_de_bord(user) and contrat_courant(self.request) is not None:
            return reverse("tableau_de_bord")
        return super().get_default_redirect_url()


def _members(user, organisation):
    return (
        User.objects.for_user(user)
        .filter(organisation=organisation, is_active=True)
        .prefetch_related("roles")
        .order_by("last_name", "first_name", "email")
    )


def home(request):
    user = request.user
    contrat = contrat_courant(request)
    role_codes = user.role_codes
    context = {
        "contrat": contrat,
        "contrats": Contrat.objects.for_user(user).select_related("epci")[:50],
        "sections": [
            {"code": code, "titre": label, "template": f"cdv/home/{code}.html"}
            for code, label in RoleCode.choices
            if code in role_codes
        ],
        "organisation": user.organisation,
    }
    if contrat and perms.can_view_contrat(user):
        today = timezone.localdate()
        reunions = (
            Reunion.objects.for_user(user)
            .filter(instance__contrat=contrat)
            .select_related("instance")
        )
        context.update(
            chiffres=contrat_chiffres(contrat),
            prochaine_reunion=reunions.filter(date__gte=today).order_by("date").first(),
            derniere_reunion=reunions.filter(date__lt=today).order_by("-date").first(),
            can_view_gouvernance=perms.can_view_gouvernance(user),
        )
    if RoleCode.PORTEUR in role_codes and user.organisation:
        context["membres"] = _members(user, user.organisation)
    return render(request, "cdv/home.html", context)


@permission_required(perms.can_view_contrat)
def contrat_detail(request):
    contrat = contrat_courant(request)
    context = {"contrat": contrat}
    if contrat is not None:
        orientations = Prefetch(
            "objectifs",
            queryset=Objectif.objects.for_user(request.user)
            .filter(niveau=NiveauObjectif.ORIENTATION)
            .prefetch_related("objectifs_operationnels"),
            to_attr="orientations",
        )
        context.update(
            signataires=contrat.signataires.select_related("organisation").order_by(
                "organisation__nom"
            ),
            piliers=contrat.piliers.prefetch_related(orientations),
            axes=contrat.axes.all(),
        )
    return render(request, "cdv/contrat_detail.html", context)


@require_POST
def contrat_choose(request):
    form = ContratChoiceForm(request.POST)
    if not form.is_valid():
        raise Http404("Contrat inconnu.")
    contrat = get_object_or_404(
        Contrat.objects.for_user(request.user), pk=form.cleaned_data["contrat"]
    )
    request.session[SESSION_KEY] = contrat.pk
    messages.success(request, f"Vous travaillez désormais sur le {contrat}.")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "home"
    return redirect(target)


@permission_required(perms.can_view_gouvernance)
def reunion_list(request):
    contrat = contrat_courant(request)
    context = {"contrat": contrat}
    if contrat is not None:
        instances = list(Instance.objects.for_user(request.user).filter(contrat=contrat))
        reunions = (
            Reunion.objects.for_user(request.user)
            .filter(instance__contrat=contrat)
            .select_related("instance")
            .order_by("instance__kind", "instance__nom", "instance_id", "-date")
        )
        choisie = next((i for i in instances if str(i.pk) == request.GET.get("instance", "")), None)
        if choisie is not None:
            reunions = reunions.filter(instance=choisie)
        context.update(
            instances=instances,
            instance_choisie=choisie,
            reunions=reunions,
            today=timezone.localdate(),
        )
    return render(request, "cdv/reunion_list.html", context)


def _reunion(request, pk):
    return get_object_or_404(
        Reunion.objects.for_user(request.user).select_related("instance__contrat"), pk=pk
    )


@permission_required(perms.can_view_gouvernance)
def reunion_detail(request, pk):
    reunion = _reunion(request, pk)
    participants = reunion.participants.order_by("nom")
    return render(
        request,
        "cdv/reunion_detail.html",
        {"reunion": reunion, "participants": participants, "today": timezone.localdate()},
    )


@permission_required(perms.can_view_gouvernance)
def reunion_compte_rendu(request, pk):
    return attachment_response(_reunion(request, pk).compte_rendu)


def organisation_detail(request):
    user = request.user
    organisation = user.organisation
    context = {"organisation": organisation}
    if organisation is not None:
        context.update(
            membres=_members(user, organisation),
            can_invite=perms.can_invite_member(user, organisation),
        )
    return render(request, "cdv/organisation_detail.html", context)


@require_POST
def organisation_reinvite(request, pk):
    user = request.user
    if not perms.can_invite_member(user, user.organisation):
        raise PermissionDenied
    membre = get_object_or_404(_members(user, user.organisation), pk=pk)
    try:
        services.invitation_resend(inviter=user, user=membre)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"Invitation renvoyée à {membre.email}.")
    return redirect("organisation_detail")


def organisation_invite(request):
    user = request.user
    organisation = user.organisation
    if not perms.can_invite_member(user, organisation):
        raise PermissionDenied
    form = InvitationForm(request.POST or None, grantable_roles=perms.grantable_roles(user))
    if request.method == "POST" and form.is_valid():
        try:
            invite = services.user_invite(inviter=user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                f"Invitation envoyée à {invite.email}. La personne choisira son mot de passe "
                "en suivant le lien reçu.",
            )
            return redirect("organisation_detail")
    return render(
        request, "cdv/organisation_invite.html", {"organisation": organisation, "form": form}
    )
