"""What the GUP's models share: scoping helpers and file names."""

import secrets
from pathlib import PurePath

from django.db.models import Q

from cdv.enums import RoleCode
from cdv.models import Contrat
from gup.enums import GUP_LECTEURS

MONEY = {"max_digits": 12, "decimal_places": 2}


def anonymous(user):
    return user is None or not user.is_authenticated


def gup_scope(user, *, contrat_path, organisation_path):
    """The Q of the GUP records `user` sees: readers of the contract (coordination GUP, admin
    PDV, partners) see those of their contracts; an intervenant GUP those of its
    organisation (`organisation_path`: the responsible body, the landlord, the operator)."""
    scope = Q(pk__in=[])
    if user.has_role(*GUP_LECTEURS):
        scope |= Q(**{f"{contrat_path}__in": Contrat.objects.for_user(user)})
    if user.has_role(RoleCode.INTERVENANT_GUP) and user.organisation_id:
        scope |= Q(**{organisation_path: user.organisation_id})
    return scope


def photo_upload_to(instance, filename):
    """A random name: a photo's address reveals neither the problem nor its author."""
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"gup/photos/{secrets.token_urlsafe(24)}{suffix}"
