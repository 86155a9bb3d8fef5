"""Routes of CitésLab: rapport (included by citeslab/urls.py)."""

urlpatterns = []
