"""Reads of the contract core."""

from cdv.models import Contrat

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
