"""Routes of CitésLab: evenements (included by citeslab/urls.py)."""

from django.urls import path

from citeslab import views_evenements as evenements

urlpatterns = [
    path("evenements/", evenements.evenement_list, name="evenement_list"),
    path("evenements/nouveau/", evenements.evenement_create, name="evenement_create"),
    path("evenements/<int:pk>/", evenements.evenement_detail, name="evenement_detail"),
    path("evenements/<int:pk>/modifier/", evenements.evenement_edit, name="evenement_edit"),
]
