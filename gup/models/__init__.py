"""The GUP's models: signalements and diagnostics, TFPB, chantiers tremplin."""

from gup.models.chantiers import ChantierTremplin, FinancementChantier
from gup.models.signalements import (
    CategorieSignalement,
    Diagnostic,
    EvenementSignalement,
    PhotoSignalement,
    Signalement,
)
from gup.models.tfpb import (
    AbattementTFPB,
    ActionTFPB,
    AxeTFPB,
    ConventionTFPB,
    PatrimoineTFPB,
)

__all__ = [
    "AbattementTFPB",
    "ActionTFPB",
    "AxeTFPB",
    "CategorieSignalement",
    "ChantierTremplin",
    "ConventionTFPB",
    "Diagnostic",
    "EvenementSignalement",
    "FinancementChantier",
    "PatrimoineTFPB",
    "PhotoSignalement",
    "Signalement",
]
