"""Routes of the GUP at /gup/ (namespace "gup"), one module per area."""

from gup import (
    urls_chantiers,
    urls_public,
    urls_saisie,
    urls_signalements,
    urls_suivi,
    urls_tfpb,
)

app_name = "gup"
urlpatterns = [
    *urls_signalements.urlpatterns,
    *urls_saisie.urlpatterns,
    *urls_suivi.urlpatterns,
    *urls_public.urlpatterns,
    *urls_tfpb.urlpatterns,
    *urls_chantiers.urlpatterns,
]
