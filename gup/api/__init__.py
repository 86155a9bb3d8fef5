"""REST API of the GUP at /api/v1/gup/ (`include("gup.api")`), one module per area; the
Open311 GeoReport v2 endpoint lives apart, at /open311/v2/ (gup/open311.py)."""

from gup.api.urls import urlpatterns

__all__ = ["urlpatterns"]
