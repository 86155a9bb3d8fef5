import pytest


@pytest.mark.redis
def test_it_reports_database_and_broker(client, db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"
    assert body["broker"] == {"status": "ok"}


def test_it_answers_503_when_the_broker_is_down(client, db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["broker"]["status"] == "error"
    assert body["database"]["status"] == "ok"


def test_it_says_eager_when_tasks_run_in_process(client, db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    assert client.get("/healthz").json()["broker"] == {"status": "ok", "detail": "eager"}


def test_it_is_public_and_never_cached(client, db):
    response = client.get("/healthz")
    assert "no-cache" in response["Cache-Control"]
