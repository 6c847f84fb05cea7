"""Load one OGC API - Features collection in QGIS, as a GIS officer does with "Add WFS / OGC
API - Features layer", and print what QGIS sees as JSON.

Run with Debian's Python and python3-qgis (not the project's virtualenv):
    QT_QPA_PLATFORM=offscreen /usr/bin/python3 qgis_load_collection.py URL NAME [USER PASSWORD]
"""

import json
import sys

from qgis.core import QgsApplication, QgsDataSourceUri, QgsVectorLayer


def main() -> None:
    url, collection, *credentials = sys.argv[1:]
    app = QgsApplication([], False)
    app.initQgis()
    uri = QgsDataSourceUri()
    uri.setParam("url", url)
    uri.setParam("typename", collection)
    if credentials:
        uri.setUsername(credentials[0])
        uri.setPassword(credentials[1])
    layer = QgsVectorLayer(uri.uri(False), collection, "OAPIF")
    features = list(layer.getFeatures()) if layer.isValid() else []
    extent = layer.extent()
    print(
        json.dumps(
            {
                "valid": layer.isValid(),
                "crs": layer.crs().authid(),
                "feature_count": layer.featureCount(),
                "features_read": len(features),
                "fields": layer.fields().names(),
                "extent": [
                    extent.xMinimum(),
                    extent.yMinimum(),
                    extent.xMaximum(),
                    extent.yMaximum(),
                ],
                "centroids": sorted(
                    [round(c.x(), 6), round(c.y(), 6)]
                    for c in (f.geometry().centroid().asPoint() for f in features)
                ),
            }
        ),
        flush=True,
    )
    # Layers must go before QGIS's registries do, or the exit crashes.
    del features, layer
    app.exitQgis()


if __name__ == "__main__":
    main()
