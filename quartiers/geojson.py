"""Validation of a quartier's perimeter: a GeoJSON Polygon or MultiPolygon geometry
(RFC 7946: longitude then latitude, WGS 84, closed linear rings of four positions or more)."""

from numbers import Real

from django.core.exceptions import ValidationError

TYPES = ("Polygon", "MultiPolygon")


def _number(value):
    return isinstance(value, Real) and not isinstance(value, bool)


def _check_ring(ring, where):
    if not isinstance(ring, list) or len(ring) < 4:
        raise ValidationError(f"{where} : un contour compte au moins quatre points.")
    for position in ring:
        if (
            not isinstance(position, list)
            or len(position) not in (2, 3)
            or not all(_number(c) for c in position)
        ):
            raise ValidationError(
                f"{where} : chaque point s'écrit [longitude, latitude] avec deux nombres."
            )
        lon, lat = position[0], position[1]
        if not -180 <= lon <= 180:
            raise ValidationError(
                f"{where} : longitude {lon} hors de l'intervalle −180 à 180 degrés."
            )
        if not -90 <= lat <= 90:
            raise ValidationError(f"{where} : latitude {lat} hors de l'intervalle −90 à 90 degrés.")
    if ring[0][:2] != ring[-1][:2]:
        raise ValidationError(f"{where} : le contour n'est pas fermé (dernier point ≠ premier).")


def _check_polygon(rings, where):
    if not isinstance(rings, list) or not rings:
        raise ValidationError(f"{where} : un polygone a au moins un contour.")
    for number, ring in enumerate(rings, 1):
        _check_ring(ring, f"{where}, contour {number}")


def validate_perimetre(value):
    """Raise a ValidationError in French unless `value` is a GeoJSON Polygon/MultiPolygon."""
    if value in (None, ""):
        return
    if not isinstance(value, dict):
        raise ValidationError("Le périmètre doit être une géométrie GeoJSON (un objet).")
    kind = value.get("type")
    if kind not in TYPES:
        raise ValidationError(
            "Le périmètre doit être une géométrie GeoJSON de type Polygon ou MultiPolygon."
        )
    coordinates = value.get("coordinates")
    if kind == "Polygon":
        _check_polygon(coordinates, "Polygone")
        return
    if not isinstance(coordinates, list) or not coordinates:
        raise ValidationError("Un MultiPolygon contient au moins un polygone.")
    for number, polygon in enumerate(coordinates, 1):
        _check_polygon(polygon, f"Polygone {number}")


def rectangle(lon_min, lat_min, lon_max, lat_max):
    """The GeoJSON Polygon of a bounding box (counter-clockwise, as RFC 7946 advises)."""
    return {
        "type": "Polygon",
        "coordinates": [
            [
                [lon_min, lat_min],
                [lon_max, lat_min],
                [lon_max, lat_max],
                [lon_min, lat_max],
                [lon_min, lat_min],
            ]
        ],
    }


def feature_collection(quartiers, lien=None):
    """The perimeters of `quartiers` (those that have one) as a GeoJSON FeatureCollection,
    each Feature carrying the quartier's id, code, name, kind, population and note, and
    `lien` ({"href", "texte"}) when `lien(quartier)` gives one (the maps' popups)."""
    features = []
    for quartier in quartiers:
        if not quartier.perimetre:
            continue
        properties = {
            "id": quartier.pk,
            "code": quartier.code,
            "nom": quartier.nom,
            "kind": quartier.kind,
            "population": quartier.population,
            "perimetre_note": quartier.perimetre_note,
        }
        if lien is not None and (valeur := lien(quartier)):
            properties["lien"] = valeur
        features.append(
            {"type": "Feature", "id": quartier.pk, "geometry": quartier.perimetre,
             "properties": properties}
        )  # fmt: skip
    return {"type": "FeatureCollection", "features": features}
