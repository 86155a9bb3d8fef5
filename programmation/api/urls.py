"""Routes of the programmation API. SimpleRouter: the API root is the contract core's."""

from django.urls import include, path
from rest_framework import routers

from programmation.api import actions, suivi
from programmation.api.bilan import BilanPhysicoFinancierView

router = routers.SimpleRouter()
router.register("appels", suivi.AppelViewSet, basename="api-programmation-appel")
router.register("actions", actions.ActionViewSet, basename="api-programmation-action")
router.register("conventions", suivi.ConventionViewSet, basename="api-programmation-convention")
router.register("bilans", suivi.BilanViewSet, basename="api-programmation-bilan-action")

urlpatterns = [
    path("bilan/", BilanPhysicoFinancierView.as_view(), name="api-programmation-bilan"),
    path("opendata/", include("programmation.api.opendata")),
    path("", include(router.urls)),
]
