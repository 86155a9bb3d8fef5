"""Tasks go through the real broker (Redis) to a real Celery worker."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from cdv import services
from cdv.celery import app as celery_app
from cdv.enums import RoleCode


@pytest.fixture
def real_worker(settings):
    previous = celery_app.conf.task_always_eager, celery_app.conf.broker_url
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = settings.CELERY_BROKER_URL
    celery_app.control.purge()
    try:
        with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.broker_url = previous


def _wait_for(predicate, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_the_invitation_email_is_sent_by_a_worker(agent_agglo, real_worker):
    invited = services.user_invite(
        inviter=agent_agglo,
        email="collegue@agglo.fr",
        first_name="Sami",
        last_name="Benali",
        roles=[RoleCode.ADMIN_PDV],
    )
    assert _wait_for(lambda: len(mail.outbox) == 1), "the worker sent no e-mail"
    assert mail.outbox[0].to == [invited.email]
    assert "/mot-de-passe/nouveau/" in mail.outbox[0].body
