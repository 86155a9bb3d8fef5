"""Routes of the PRE: eps (included by pre/urls.py)."""

urlpatterns = []
