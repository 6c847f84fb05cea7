from rest_framework.renderers import JSONRenderer


class GeoJSONRenderer(JSONRenderer):
    """RFC 7946 media type, so clients may ask for `Accept: application/geo+json`."""

    media_type = "application/geo+json"
    format = "geojson"
