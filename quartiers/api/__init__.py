"""REST API of the quartiers, at /api/v1/quartiers/ (`include("quartiers.api")`).

- serializers.py: what the endpoints answer;
- views.py: territories, quartiers (and their perimeters as GeoJSON), indicators, values,
  the gaps table;
- urls.py: the routes.
"""

from quartiers.api.urls import urlpatterns

__all__ = ["urlpatterns"]
