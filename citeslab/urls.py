"""Routes of CitésLab at /citeslab/ (namespace "citeslab"), one module per area."""

from citeslab import urls_evenements, urls_personnes, urls_rapport

app_name = "citeslab"
urlpatterns = [
    *urls_personnes.urlpatterns,
    *urls_evenements.urlpatterns,
    *urls_rapport.urlpatterns,
]
