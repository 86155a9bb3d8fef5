"""Reads of the contract core."""

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from cdv.enums import NiveauObjectif
from cdv.models import Contrat, Objectif, Pilier, Signataire

SESSION_KEY = "contrat_id"
_UNSET = object()


def contrat_courant(request):
    """The contract the user works on: the one chosen in the session, else their first one.

    Cached on the request; None when the user follows no contract.
    """
    cached = getattr(request, "_contrat_courant", _UNSET)
    if cached is not _UNSET:
        return cached
    contrats = Contrat.objects.for_user(request.user).select_related("epci")
    contrat = None
    chosen = request.session.get(SESSION_KEY)
    if chosen:
        contrat = contrats.filter(pk=chosen).first()
    if contrat is None:
        contrat = contrats.first()
    request._contrat_courant = contrat
    return contrat


def _count_of(queryset, path):
    """A correlated COUNT subquery: one figure per contract, without multiplying joins."""
    counted = (
        queryset.filter(**{path: OuterRef("pk")})
        .order_by()
        .values(path)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def contrat_chiffres(contrat):
    """The contract's key figures: pillars, strategic orientations, operational objectives,
    signatories. One query, computed in the database.
    """
    return (
        Contrat.objects.filter(pk=contrat.pk)
        .annotate(
            nb_piliers=_count_of(Pilier.objects.all(), "contrat"),
            nb_orientations=_count_of(
                Objectif.objects.filter(niveau=NiveauObjectif.ORIENTATION), "pilier__contrat"
            ),
            nb_objectifs_operationnels=_count_of(
                Objectif.objects.filter(niveau=NiveauObjectif.OPERATIONNEL), "pilier__contrat"
            ),
            nb_signataires=_count_of(Signataire.objects.all(), "contrat"),
        )
        .values("nb_piliers", "nb_orientations", "nb_objectifs_operationnels", "nb_signataires")
        .get()
    )
