"""Routes of CitésLab's API: each area's module lists its viewsets and extra routes."""

from rest_framework import routers

from citeslab.api import beneficiaires, evenements, stats

AREAS = [beneficiaires, evenements, stats]

router = routers.SimpleRouter()
for area in AREAS:
    for prefix, viewset, basename in area.routes:
        router.register(prefix, viewset, basename=basename)

urlpatterns = [*router.urls, *(route for area in AREAS for route in area.urlpatterns)]
