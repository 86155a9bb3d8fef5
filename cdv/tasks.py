"""Celery tasks of the contract core: thin, idempotent wrappers around services."""

from smtplib import SMTPException

from celery import shared_task

from cdv import services


@shared_task(
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=5,
)
def send_invitation_email(user_id):
    return services.invitation_send(user_id=user_id)


from cdv.tasks_exports import construire_export, purger_exports  # noqa: E402,F401
