"""Routes of the GUP: signalements (included by gup/urls.py)."""

urlpatterns = []
