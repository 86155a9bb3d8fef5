"""Routes of the PRE: enfants (included by pre/urls.py)."""

urlpatterns = []
