"""Routes of CitésLab: personnes (included by citeslab/urls.py)."""

from django.urls import path

from citeslab import views_beneficiaires as personnes
from citeslab import views_projets as projets

urlpatterns = [
    path("beneficiaires/", personnes.beneficiaire_list, name="beneficiaire_list"),
    path("beneficiaires/nouveau/", personnes.beneficiaire_create, name="beneficiaire_create"),
    path("beneficiaires/<int:pk>/", personnes.beneficiaire_detail, name="beneficiaire_detail"),
    path("beneficiaires/<int:pk>/modifier/", personnes.beneficiaire_edit, name="beneficiaire_edit"),
    path("beneficiaires/<int:pk>/projets/ouvrir/", projets.projet_create, name="projet_create"),
    path("rencontres/", personnes.rencontre_list, name="rencontre_list"),
    path("rencontres/nouvelle/", personnes.rencontre_create, name="rencontre_create"),
    path("creations/a-suivre/", personnes.creations_a_suivre, name="creations_a_suivre"),
    path("projets/<int:pk>/etape/", projets.projet_etape, name="projet_etape"),
    path(
        "projets/<int:pk>/orientations/ajouter/",
        projets.orientation_create,
        name="orientation_create",
    ),
    path("orientations/<int:pk>/issue/", projets.orientation_issue, name="orientation_issue"),
    path("projets/<int:pk>/creation/", projets.creation_create, name="creation_create"),
    path("creations/<int:pk>/suivi/", projets.creation_suivi, name="creation_suivi"),
]
