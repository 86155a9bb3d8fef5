"""Routes of the GUP: tfpb (included by gup/urls.py)."""

urlpatterns = []
