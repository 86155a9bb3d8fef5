"""The opinion button of the action's page asks the same rule as the opinion form."""

from django import template

from programmation import perms

register = template.Library()


@register.filter
def avis_possible(action, user):
    """Whether `user` may give (or revise) their organisation's opinion on `action`."""
    return perms.can_give_avis(user, action)
