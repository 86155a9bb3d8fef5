"""Routes of the PRE at /pre/ (namespace "pre"), one module per area."""

from pre import urls_enfants, urls_eps, urls_parcours, urls_stats

app_name = "pre"
urlpatterns = [
    *urls_enfants.urlpatterns,
    *urls_eps.urlpatterns,
    *urls_parcours.urlpatterns,
    *urls_stats.urlpatterns,
]
