"""CitésLab API: evenements."""

routes = []
urlpatterns = []
