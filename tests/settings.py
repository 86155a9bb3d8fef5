"""Test overrides: the real settings, plus what the suite needs to be fast and hermetic."""

import os
import re
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("CHIFFREMENT_SELS", "sel-des-tests-uniquement")

from cdv.settings import *  # noqa: E402,F403
from cdv.settings import STORAGES  # noqa: E402

# Browser tests drive Chromium from a thread Django sees as async.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = tempfile.mkdtemp(prefix="cdv-test-media-")
# Tasks run in the test process unless a test starts a real worker on the broker.
CELERY_TASK_ALWAYS_EAGER = True
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# A database of its own on the local Redis, so tests never share a queue with a dev worker.
# Under pytest-xdist each worker ("gw0", "gw1"…) takes the database below the previous one, so a
# test that purges its queue never drops another worker's tasks.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker.startswith("gw") and re.search(r"/\d+$", CELERY_BROKER_URL):
    _base, _db = CELERY_BROKER_URL.rsplit("/", 1)
    CELERY_BROKER_URL = f"{_base}/{int(_db) - int(_worker[2:])}"
# django-axes needs the request in authenticate(); the test client's login() has none. The
# throttling tests turn it back on (tests/cdv/test_comptes.py).
AXES_ENABLED = False
