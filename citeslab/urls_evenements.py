"""Routes of CitésLab: evenements (included by citeslab/urls.py)."""

urlpatterns = []
