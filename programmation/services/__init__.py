"""Writes of the programmation: keyword-only, one transaction, history and notifications.

By stage: applications and their workflow (demandes), conventions and payments
(conventions), bilans and their reminders (bilans). Callers use `services.<name>`.
"""

from programmation.services.bilans import (
    BILAN_CHAMPS,
    bilan_save,
    bilans_remind,
)
from programmation.services.conventions import convention_create, versement_record
from programmation.services.demandes import (
    BILAN_SUBMISSIONS,
    COMITE_DECISIONS,
    COMMENT_REQUIRED,
    SUBMISSIONS,
    VersionPerimee,
    action_content_save,
    action_declare_non_realisee,
    action_submission_errors,
    action_transition,
    avis_record,
    comite_decide,
)

__all__ = [
    "BILAN_CHAMPS",
    "BILAN_SUBMISSIONS",
    "COMITE_DECISIONS",
    "COMMENT_REQUIRED",
    "SUBMISSIONS",
    "VersionPerimee",
    "action_content_save",
    "action_declare_non_realisee",
    "action_submission_errors",
    "action_transition",
    "avis_record",
    "bilan_save",
    "bilans_remind",
    "comite_decide",
    "convention_create",
    "versement_record",
]
