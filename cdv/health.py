from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cdv.celery import app as celery_app


def database_status():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 — any failure means "down"
        return {"status": "error", "detail": exc.__class__.__name__}
    return {"status": "ok", "vendor": connection.vendor}


def broker_status():
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"status": "ok", "detail": "eager"}
    try:
        with celery_app.connection_for_write(url=settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # noqa: BLE001
        return {"status": "error", "detail": exc.__class__.__name__}
    return {"status": "ok"}


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """Liveness for load balancers and compose: database and broker, as JSON."""
    checks = {"database": database_status(), "broker": broker_status()}
    healthy = all(check["status"] == "ok" for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )
