"""Routes of CitésLab: the activity report (included by citeslab/urls.py)."""

from django.urls import path

from citeslab import views_rapport

urlpatterns = [
    path("rapport/", views_rapport.rapport, name="rapport"),
    path("rapport/excel/", views_rapport.rapport_excel, name="rapport_excel"),
]
