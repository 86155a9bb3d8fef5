"""The API token of a person (Django REST framework's `authtoken`): one per user, carrying
exactly that user's scope, since every API query starts from `for_user(request.user)`."""

from django.db import transaction
from rest_framework.authtoken.models import Token


def token_of(user):
    """The user's current token, or None."""
    return Token.objects.filter(user=user).first()


@transaction.atomic
def token_regenerate(*, user):
    """Replace the user's token by a new one: the previous key stops working at once.
    Returns the new token, whose key the page shows only this once."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


@transaction.atomic
def token_revoke(*, user):
    """Delete the user's token. Returns whether there was one."""
    deleted, _ = Token.objects.filter(user=user).delete()
    return bool(deleted)
