"""Routes of the GUP: the walk's capture on a phone (included by gup/urls.py)."""

urlpatterns = []
