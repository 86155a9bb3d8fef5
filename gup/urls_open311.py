"""Open311 GeoReport v2 at /open311/v2/ (included by cdv/urls.py, namespace "open311").

The format is the resource's extension: .xml (the spec's mandatory one) or .json."""

from django.urls import re_path

from gup import open311

FMT = r"\.(?P<format>xml|json)$"

app_name = "open311"
urlpatterns = [
    re_path(r"^discovery" + FMT, open311.discovery, name="discovery"),
    re_path(r"^services" + FMT, open311.services_list, name="services"),
    # `id` is the service_code (a category's code).
    re_path(
        r"^services/(?P<id>[\w-]+)" + FMT, open311.service_definition, name="service_definition"
    ),
    re_path(r"^requests" + FMT, open311.requests_view, name="requests"),
    re_path(r"^requests/(?P<pk>\d+)" + FMT, open311.request_detail, name="request_detail"),
]
