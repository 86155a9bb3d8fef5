"""Routes of the PRE: parcours (included by pre/urls.py)."""

urlpatterns = []
