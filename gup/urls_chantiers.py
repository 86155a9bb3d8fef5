"""Routes of the GUP: chantiers (included by gup/urls.py)."""

urlpatterns = []
