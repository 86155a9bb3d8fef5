"""Every route of the project, with a concrete URL to request it.

The permission tests walk this list; later issues extend it into a role × route matrix.
"""

from dataclasses import dataclass
from itertools import product

from django.apps import apps
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

# Sample values for the URL parameters used by the project's routes.
SAMPLE_KWARGS = {
    "pk": "1",
    "id": "1",
    "object_id": "1",
    "model_name": "contrat",
    "uidb64": "MQ",
    "token": "set-password",
    "format": "json",
    "content_type_id": "1",
    "url": "x",
    "annee": "2025",
}


@dataclass(frozen=True)
class Route:
    name: str
    url: str


def _candidates(param):
    if param == "app_label":
        return [config.label for config in apps.get_app_configs()]
    return [SAMPLE_KWARGS[param]]


def _reverse(name, params):
    for values in product(*(_candidates(param) for param in params)):
        try:
            return reverse(name, kwargs=dict(zip(params, values, strict=True)))
        except NoReverseMatch:
            continue
    raise NoReverseMatch(f"No sample URL for {name} with {params}")


def _walk(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}{pattern.namespace}:"
            yield from _walk(pattern.url_patterns, ns)
        elif isinstance(pattern, URLPattern):
            yield namespace, pattern


def all_routes():
    """One Route per named pattern (patterns without a name are listed as errors)."""
    routes, unnamed = {}, []
    for namespace, pattern in _walk(get_resolver().url_patterns):
        if not pattern.name:
            # The admin's unnamed "<path:object_id>/" only redirects to a named change view.
            if namespace != "admin:":
                unnamed.append(str(pattern.pattern))
            continue
        name = namespace + pattern.name
        routes[name] = Route(name=name, url=_reverse(name, list(pattern.pattern.regex.groupindex)))
    return sorted(routes.values(), key=lambda r: r.name), unnamed
