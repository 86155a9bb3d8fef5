"""Celery tasks of the PRE: thin, idempotent wrappers."""

from celery import shared_task

from pre import anonymisation


@shared_task
def anonymiser_parcours_clos():
    """Nightly at 3:00 (CELERY_BEAT_SCHEDULE): anonymise the children whose pathways closed
    longer ago than the contract's retention period. Returns how many were anonymised."""
    return anonymisation.anonymiser()
