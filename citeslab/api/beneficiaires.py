"""CitésLab API: beneficiaires."""

routes = []
urlpatterns = []
