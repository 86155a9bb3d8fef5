"""Celery tasks of the GUP: thin, idempotent wrappers around gup.notifications."""

from smtplib import SMTPException

from celery import shared_task

from gup import notifications


@shared_task(
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
)
def digest_hebdomadaire():
    """Monday 7:00 (CELERY_BEAT_SCHEDULE): each responsible body's open and overdue problems;
    sent once per ISO week whatever the retries."""
    return notifications.envoyer_digests()


@shared_task(
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
)
def notify_evenement(evenement_id):
    """After a step of a problem's workflow (gup.services.signalement_transition)."""
    return notifications.evenement_notify(evenement_id=evenement_id)
