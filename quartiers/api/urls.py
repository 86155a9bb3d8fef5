"""Routes of the quartiers' API. SimpleRouter: the API root is the contract core's."""

from rest_framework import routers

from quartiers.api import portrait, views

router = routers.SimpleRouter()
router.register("territoires", views.TerritoireViewSet, basename="api-quartiers-territoire")
router.register("quartiers", views.QuartierViewSet, basename="api-quartiers-quartier")
router.register("indicateurs", views.IndicateurViewSet, basename="api-quartiers-indicateur")
router.register("valeurs", views.ValeurViewSet, basename="api-quartiers-valeur")
router.register("ecarts", views.EcartsViewSet, basename="api-quartiers-ecarts")

urlpatterns = [*router.urls, portrait.route]
