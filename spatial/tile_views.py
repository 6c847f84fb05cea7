"""/tiles/: vector tiles and their TileJSON."""

from __future__ import annotations

from django.http import Http404, HttpResponse, JsonResponse
from django.utils.http import parse_etags
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from rest_framework.exceptions import AuthenticationFailed

from core import registry
from core.authentication import ExpiringTokenAuthentication, RememberedBasicAuthentication
from core.reads import layer_query
from core.tiles import MAX_ZOOM, etag, render_tile, tile_layer, version_tag

from . import selectors

MVT = "application/vnd.mapbox-vector-tile"


def _user(request):
    """Session users come from the middleware; desktop GIS may send a token or Basic."""
    if request.user.is_authenticated:
        return request.user
    for backend in (ExpiringTokenAuthentication(), RememberedBasicAuthentication()):
        try:
            found = backend.authenticate(request)
        except AuthenticationFailed:
            found = None  # a wrong credential reads like no credential: public layers only
        if found:
            return found[0]
    return request.user


def _layer(request, name: str):
    try:
        layer = tile_layer(registry.get(name))
    except KeyError:
        layer = None
    if layer is None:
        raise Http404(_("Unknown tile layer."))
    user = _user(request)
    if not layer.public and not user.is_authenticated:
        response = JsonResponse({"detail": _("Log in to read this layer.")}, status=401)
        response["WWW-Authenticate"] = 'Basic realm="imis"'
        return layer, user, response
    return layer, user, None


@require_GET
def tile(request, name: str, z: int, x: int, y: int):
    layer, user, refused = _layer(request, name)
    if refused:
        return refused
    if z > MAX_ZOOM or x >= 2**z or y >= 2**z:
        raise Http404(_("No such tile."))
    query = layer_query(user=user, public=layer.public, roles=layer.readers)
    scope = {"municipality_ids": query.municipality_ids, "scope_ward_ids": query.scope_ward_ids}
    # Known from the versions of the tables the layer reads: a revalidation renders nothing.
    tag = version_tag(layer, **scope)
    sent = [t.removeprefix("W/") for t in parse_etags(request.headers.get("If-None-Match", ""))]
    content = None
    if tag is None or tag.removeprefix("W/") not in sent:
        content = render_tile(layer, z, x, y, **scope)
        tag = tag or etag(content)
    if tag.removeprefix("W/") in sent:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(content, content_type=MVT)
    response["ETag"] = tag
    # Kept by browsers and QGIS, asked again each time (a 304 when nothing changed), so an
    # edit shows on the next pan. Public boundaries may be five minutes old.
    response["Cache-Control"] = "public, max-age=300" if layer.public else "private, no-cache"
    response["Vary"] = "Authorization, Cookie"
    return response


@require_GET
def tilejson(request, name: str):
    layer, user, refused = _layer(request, name)
    if refused:
        return refused
    bounds = selectors.layer_extent(user=user, public=layer.public)
    template = request.build_absolute_uri(f"/tiles/{name}/") + "{z}/{x}/{y}.mvt"
    return JsonResponse(
        {
            "tilejson": "3.0.0",
            "name": name,
            "tiles": [template],
            "minzoom": layer.min_zoom,
            "maxzoom": MAX_ZOOM,
            "bounds": bounds,
            "center": [
                round((bounds[0] + bounds[2]) / 2, 6),
                round((bounds[1] + bounds[3]) / 2, 6),
                max(layer.min_zoom, 14),
            ],
            "vector_layers": [
                {
                    "id": name,
                    "minzoom": layer.min_zoom,
                    "maxzoom": MAX_ZOOM,
                    "fields": {key: "String" for key in layer.properties},
                }
            ],
        }
    )
