"""Moderation by the coordination GUP of the reports sent by residents and partner systems
(Open311): each waits here, "nouveau", until it is transmitted, merged or closed."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from cdv.models import Contrat, Organisation
from gup import services
from gup.enums import TRANSITIONS, EtatSignalement, SourceSignalement
from gup.forms_public import ModerationForm
from gup.models import PhotoSignalement, Signalement
from gup.perms_public import can_moderate
from gup.views_signalements import photo_response

SOURCES_MODEREES = (SourceSignalement.HABITANT, SourceSignalement.API)


def _a_moderer(user):
    """The residents' and API reports still "nouveau" of the contracts `user` follows."""
    return (
        Signalement.objects.for_user(user)
        .filter(
            etat=EtatSignalement.NOUVEAU,
            source__in=SOURCES_MODEREES,
            quartier__contrat__in=Contrat.objects.for_user(user),
        )
        .select_related("quartier__contrat", "categorie", "organisation_responsable")
        .prefetch_related("photos")
        .order_by("signale_le", "pk")
    )


def _organisations(user):
    return list(
        Organisation.objects.for_user(user)
        .filter(active=True)
        .order_by("nom")
        .values_list("pk", "nom")
    )


def _check(user):
    if not can_moderate(user):
        raise PermissionDenied("La modération est réservée à la coordination GUP.")


@require_GET
def moderation(request):
    """The list of reports to moderate, oldest first, each with its photos, text and the
    decision form."""
    _check(request.user)
    return _render(request)


def _render(request, *, bound=None):
    user = request.user
    organisations = _organisations(user)
    lignes = []
    erreurs = []
    for signalement in _a_moderer(user):
        if bound is not None and bound.signalement.pk == signalement.pk:
            form = bound
            erreurs = form.summary()
        else:
            form = ModerationForm(signalement=signalement, organisations=organisations)
        lignes.append((signalement, form))
    return render(
        request,
        "gup/moderation.html",
        {
            "lignes": lignes,
            "erreurs": erreurs,
            "erreurs_titre": "La décision n'est pas enregistrée : corrigez les champs signalés.",
        },
    )


@require_POST
def moderation_decider(request, pk):
    """Take the coordination's decision on one report, through the workflow's service."""
    user = request.user
    _check(user)
    signalement = get_object_or_404(_a_moderer(user), pk=pk)
    form = ModerationForm(request.POST, signalement=signalement, organisations=_organisations(user))
    if form.is_valid():
        data = form.cleaned_data
        code = data["action"]
        options = {}
        try:
            if code == "transmettre":
                options["organisation"] = _organisation(user, data["organisation"])
            if code == "marquer_doublon":
                options["original"] = _original(user, data["original"])
            services.signalement_transition(
                signalement=signalement,
                user=user,
                code=code,
                commentaire=data["commentaire"],
                version=data["version"],
                **options,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, f"Signalement n° {signalement.pk} : {TRANSITIONS[code].label.lower()}."
            )
            return redirect("gup:moderation")
    return _render(request, bound=form)


def _organisation(user, pk):
    organisation = Organisation.objects.for_user(user).filter(pk=pk, active=True).first()
    if organisation is None:
        raise ValidationError({"organisation": "Choisissez une organisation de la liste."})
    return organisation


def _original(user, pk):
    original = Signalement.objects.for_user(user).filter(pk=pk).select_related("quartier").first()
    if original is None:
        raise ValidationError({"original": f"Aucun signalement n° {pk} parmi les vôtres."})
    return original


@require_GET
def moderation_photo(request, pk):
    """A photo of a report to moderate, shown in the page (the file is private)."""
    _check(request.user)
    return photo_response(get_object_or_404(PhotoSignalement.objects.for_user(request.user), pk=pk))
