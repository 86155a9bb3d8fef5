"""Routes of CitésLab: personnes (included by citeslab/urls.py)."""

urlpatterns = []
