"""Open311 GeoReport v2 at /open311/v2/ (included by cdv/urls.py, namespace "open311")."""

app_name = "open311"
urlpatterns = []
