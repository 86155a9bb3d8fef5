"""REST API of the programmation, at /api/v1/programmation/ (`include("programmation.api")`).

- bilan.py: the bilan physico-financier;
- serializers.py: what the endpoints answer;
- actions.py: the actions, and their workflow steps, opinions and committee decisions;
- suivi.py: calls for projects, conventions with their payments, bilans;
- urls.py: the routes.
"""

from programmation.api.urls import urlpatterns

__all__ = ["urlpatterns"]
