"""What the programmation's viewsets share: scoped reads answering in French, the services'
refusals as API errors, and ordering on public names."""

import contextlib

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.filters import OrderingFilter
from rest_framework.settings import api_settings

from cdv.api import ScopedViewSet

FORBIDDEN_STEP = "Vous ne pouvez pas franchir cette étape."
NOT_FOUND = "Cet élément n'existe pas ou ne vous est pas accessible."


class ProgrammationViewSet(ScopedViewSet):
    """A scoped read-only viewset whose 404 is French and says nothing of out-of-scope rows."""

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            raise exceptions.NotFound(NOT_FOUND) from None


# Errors of the services, in DRF's shape ---------------------------------------------------


@contextlib.contextmanager
def service_errors():
    """The service's refusals as API answers: PermissionDenied → 403 with its French reason,
    ValidationError → 400 with the messages on their fields (`non_field_errors` otherwise)."""
    try:
        yield
    except DjangoPermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc) or FORBIDDEN_STEP) from exc
    except DjangoValidationError as exc:
        if hasattr(exc, "error_dict"):
            errors = {
                (api_settings.NON_FIELD_ERRORS_KEY if key == NON_FIELD_ERRORS else key): messages
                for key, messages in exc.message_dict.items()
            }
        else:
            errors = {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
        raise exceptions.ValidationError(errors) from exc


# Ordering --------------------------------------------------------------------------------


class AliasOrderingFilter(OrderingFilter):
    """`?ordering=` on public names (the view's `ordering_fields`: {name: ORM path}), several
    separated by commas, `-` for descending. The primary key always ends the ordering, so
    that pages never overlap."""

    ordering_description = (
        "Tri des résultats : {}, séparés par des virgules, « - » pour l'ordre décroissant."
    )

    def get_ordering(self, request, queryset, view):
        paths = view.ordering_fields
        ordering = []
        for term in super().get_ordering(request, queryset, view) or []:
            name = term.removeprefix("-")
            ordering.append(("-" if term.startswith("-") else "") + paths.get(name, name))
        return [*ordering, "pk"]

    def get_schema_operation_parameters(self, view):
        names = list(view.ordering_fields)
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": self.ordering_description.format(", ".join(names)),
                "schema": {"type": "string"},
            }
        ]
