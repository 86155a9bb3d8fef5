"""Which quartier a point lies in: a small point-in-polygon on the quartiers' GeoJSON
perimeters (longitude then latitude, WGS 84), in plain Python.

At the scale of a quartier (a few hundred metres) the plane approximation of longitude and
latitude is exact enough; a point exactly on an edge may fall on either side.
"""


def _in_ring(lon, lat, ring):
    """Ray casting: an odd number of edges crossed to the east means inside."""
    inside = False
    count = len(ring)
    for i in range(count):
        x1, y1 = ring[i][0], ring[i][1]
        x2, y2 = ring[(i + 1) % count][0], ring[(i + 1) % count][1]
        if (y1 > lat) != (y2 > lat):
            x_cross = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if lon < x_cross:
                inside = not inside
    return inside


def _in_polygon(lon, lat, rings):
    # The first ring is the outline; the next ones are holes.
    if not rings or not _in_ring(lon, lat, rings[0]):
        return False
    return not any(_in_ring(lon, lat, hole) for hole in rings[1:])


def contient(perimetre, lon, lat):
    """Whether the GeoJSON Polygon or MultiPolygon `perimetre` contains the point."""
    if not perimetre:
        return False
    lon, lat = float(lon), float(lat)
    coordinates = perimetre.get("coordinates") or []
    if perimetre.get("type") == "Polygon":
        return _in_polygon(lon, lat, coordinates)
    if perimetre.get("type") == "MultiPolygon":
        return any(_in_polygon(lon, lat, polygon) for polygon in coordinates)
    return False


def quartier_du_point(quartiers, lon, lat):
    """The first of `quartiers` whose perimeter contains the point, or None (never a guess:
    a quartier without a perimeter is never chosen)."""
    for quartier in quartiers:
        if contient(quartier.perimetre, lon, lat):
            return quartier
    return None
