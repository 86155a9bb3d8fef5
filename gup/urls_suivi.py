"""Routes of the GUP: suivi (included by gup/urls.py)."""

urlpatterns = []
