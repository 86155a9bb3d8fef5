"""REST API of the PRE at /api/v1/pre/ (`include("pre.api")`): identities for the PRE's
staff only, aggregated statistics for partners."""

from pre.api.urls import urlpatterns

__all__ = ["urlpatterns"]
