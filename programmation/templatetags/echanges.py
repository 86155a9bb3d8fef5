"""The exchanges' blocks of the action's pages: the message thread and the attachments."""

from django import template

from cdv.enums import RoleCode
from programmation import perms, services_echanges
from programmation.forms_echanges import MessageForm
from programmation.models.echanges import NATURES_OBLIGATOIRES_DEMANDE_COURTE
from programmation.views.echanges import fil

register = template.Library()


@register.inclusion_tag("programmation/message_fil.html", takes_context=True)
def fil_messages(context, action):
    """The thread of `action` as the reader may see it, with the form if they may write."""
    user = context["request"].user
    return {
        "action": action,
        "messages_fil": fil(user, action),
        "can_post": perms.can_post_message(user, action),
        "porteur": perms.acts_as(user, action, RoleCode.PORTEUR),
        "form": MessageForm(),
    }


@register.inclusion_tag("programmation/piece_liste.html", takes_context=True)
def pieces_demande(context, action, erreurs=()):
    """The attachments of `action`: the porteur who may still edit sees the documents its
    organisation would reuse; the others see what was deposited. `erreurs`: what keeps the
    application from being deposited, shown on the block."""
    user = context["request"].user
    result = {
        "action": action,
        "pieces": [],
        "can_attach": False,
        "courte": False,
        "erreurs": erreurs,
    }
    # A new application: only a note that pieces come once the draft is saved.
    result["show"] = action.pk is None or perms.can_view_pieces(user, action)
    if action.pk is None or not result["show"]:
        return result
    can_attach = perms.can_attach_piece(user, action)
    result.update(
        pieces=services_echanges.pieces_situation(action, reprendre=can_attach),
        can_attach=can_attach,
        courte=tuple(services_echanges.natures_obligatoires(action))
        == NATURES_OBLIGATOIRES_DEMANDE_COURTE,
    )
    return result
