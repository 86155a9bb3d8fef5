"""Routes of the PRE: stats (included by pre/urls.py)."""

urlpatterns = []
