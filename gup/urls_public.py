"""Routes of the GUP: public (included by gup/urls.py)."""

urlpatterns = []
