"""Celery tasks of the programmation: thin, idempotent wrappers around services."""

from smtplib import SMTPException

from celery import shared_task

from programmation import notifications, services


@shared_task(
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
)
def notify_transition(transition_id):
    return notifications.transition_notify(transition_id=transition_id)


@shared_task(
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
)
def remind_bilans():
    """Daily (CELERY_BEAT_SCHEDULE): remind the porteurs of bilans due soon or overdue."""
    return services.bilans_remind()


@shared_task(
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
)
def notify_message(message_id):
    from programmation import notifications_echanges

    return notifications_echanges.message_notify(message_id=message_id)
