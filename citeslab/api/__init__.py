"""REST API of CitésLab at /api/v1/citeslab/ (`include("citeslab.api")`): records for the
CitésLab staff only, aggregated statistics for partners."""

from citeslab.api.urls import urlpatterns

__all__ = ["urlpatterns"]
