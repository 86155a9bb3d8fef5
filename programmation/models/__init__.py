"""Models of the programmation, by stage: calls, actions, and their follow-up."""

from programmation.models.actions import (
    Action,
    ActionQuartier,
    ActionQuerySet,
    ActionScopedQuerySet,
    Avis,
    Financement,
    Indicateur,
    LigneBudget,
    TransitionAction,
    TransitionQuerySet,
)
from programmation.models.appels import (
    AppelAProjets,
    AppelQuerySet,
    AppelScopedQuerySet,
    Enveloppe,
    Priorite,
)
from programmation.models.echanges import (
    Document,
    DocumentQuerySet,
    Message,
    NatureDocument,
    PieceJointe,
    PieceJointeQuerySet,
)
from programmation.models.opendata import PublicationSCDL
from programmation.models.suivi import (
    Bilan,
    BilanQuartier,
    BilanScopedQuerySet,
    Convention,
    ConventionScopedQuerySet,
    MontantAnnuel,
    Relance,
    Versement,
)

__all__ = [
    "Action",
    "ActionQuartier",
    "ActionQuerySet",
    "ActionScopedQuerySet",
    "AppelAProjets",
    "AppelQuerySet",
    "AppelScopedQuerySet",
    "Avis",
    "Bilan",
    "BilanQuartier",
    "BilanScopedQuerySet",
    "Convention",
    "ConventionScopedQuerySet",
    "Document",
    "DocumentQuerySet",
    "Enveloppe",
    "Financement",
    "Indicateur",
    "LigneBudget",
    "Message",
    "MontantAnnuel",
    "NatureDocument",
    "PieceJointe",
    "PieceJointeQuerySet",
    "Priorite",
    "PublicationSCDL",
    "Relance",
    "TransitionAction",
    "TransitionQuerySet",
    "Versement",
]
