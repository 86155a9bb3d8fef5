"""PRE API: enfants. `routes`: (prefix, viewset, basename) for the router; `urlpatterns`:
any other route."""

routes = []
urlpatterns = []
