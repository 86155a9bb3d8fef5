"""Pages of the exchanges on an action: posting a message, attaching a document, and the
scoped download of the organisation's documents."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from cdv.enums import RoleCode
from cdv.files import attachment_response
from programmation import perms, services_echanges
from programmation.forms import error_dict
from programmation.forms_echanges import MessageForm, PieceForm
from programmation.models import Action, Document, Message, NatureDocument


def _action(request, pk):
    return get_object_or_404(
        Action.objects.for_user(request.user).select_related("appel__contrat", "porteur"), pk=pk
    )


def fil(user, action):
    """The action's thread, oldest first, with each author's organisation."""
    return (
        Message.objects.for_user(user)
        .filter(action=action)
        .select_related("auteur__organisation")
        .order_by("date", "id")
    )


@require_POST
def message_post(request, pk):
    """Post on the action's thread; an empty message comes back with its error."""
    user = request.user
    action = _action(request, pk)
    if not perms.can_post_message(user, action):
        raise PermissionDenied
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            services_echanges.message_post(
                action=action, user=user, texte=form.cleaned_data["texte"]
            )
        except ValidationError as exc:
            for message in error_dict(exc).get("texte", exc.messages):
                form.add_error("texte", message)
        else:
            messages.success(request, "Votre message est envoyé.")
            return redirect(reverse("programmation:action_detail", args=[action.pk]) + "#messages")
    context = {
        "action": action,
        "messages_fil": fil(user, action),
        "form": form,
        "porteur": perms.acts_as(user, action, RoleCode.PORTEUR),
    }
    return render(request, "programmation/message_form.html", context)


def piece_add(request, pk):
    """Attach one document to the application (the nature chosen from its list)."""
    user = request.user
    action = _action(request, pk)
    if not perms.can_attach_piece(user, action):
        raise PermissionDenied
    if request.method == "POST":
        form = PieceForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                piece = services_echanges.piece_attach(
                    action=action,
                    user=user,
                    nature=form.cleaned_data["nature"],
                    fichier=form.cleaned_data["fichier"],
                    valide_jusqu_au=form.cleaned_data["valide_jusqu_au"],
                )
            except ValidationError as exc:
                for field, errors in error_dict(exc).items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                document = piece.document
                messages.success(
                    request,
                    f"« {document.nom_original} » est joint à la demande "
                    f"({document.get_nature_display().lower()}).",
                )
                return redirect(reverse("programmation:action_edit", args=[action.pk]) + "#pieces")
    else:
        nature = request.GET.get("nature", "")
        form = PieceForm(initial={"nature": nature if nature in NatureDocument.values else ""})
    return render(request, "programmation/piece_form.html", {"action": action, "form": form})


def piece_download(request, pk):
    """A document, to the porteur's people and to those who instruct an application it is
    attached to; everyone else gets a 404."""
    document = get_object_or_404(Document.objects.for_user(request.user), pk=pk)
    response = attachment_response(document.fichier)
    response["Content-Type"] = document.type_mime
    response["Content-Disposition"] = content_disposition_header(True, document.nom_original)
    return response
