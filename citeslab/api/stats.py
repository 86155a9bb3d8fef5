"""CitésLab API: stats."""

routes = []
urlpatterns = []
