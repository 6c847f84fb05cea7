"""Open a vector tile layer in QGIS (as "Add Vector Tile Layer" with an XYZ URL does) and
render it over an extent; prints whether the layer is valid and how many pixels QGIS
painted (0 when it fetched or decoded nothing).

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 qgis_vector_tile.py URL_TEMPLATE W S E N ZOOM
"""

import json
import sys

from qgis.core import (
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsProject,
    QgsRectangle,
    QgsVectorTileBasicRenderer,
    QgsVectorTileLayer,
)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor


def main() -> None:
    template = sys.argv[1]
    west, south, east, north = map(float, sys.argv[2:6])
    zoom = int(sys.argv[6])
    app = QgsApplication([], False)
    app.initQgis()
    layer = QgsVectorTileLayer(f"type=xyz&url={template}&zmin={zoom}&zmax={zoom}", "tiles")
    painted = 0
    if layer.isValid():
        renderer = QgsVectorTileBasicRenderer()
        red = QColor("red")
        # polygon fill and stroke, stroke width; line colour, width; point fill, stroke, size
        renderer.setStyles(
            QgsVectorTileBasicRenderer.simpleStyle(red, red, 1.0, red, 1.0, red, red, 4.0)
        )
        layer.setRenderer(renderer)
        wgs84 = QgsCoordinateReferenceSystem("EPSG:4326")
        mercator = QgsCoordinateReferenceSystem("EPSG:3857")
        extent = QgsCoordinateTransform(wgs84, mercator, QgsProject.instance()).transform(
            QgsRectangle(west, south, east, north)
        )
        settings = QgsMapSettings()
        settings.setLayers([layer])
        settings.setDestinationCrs(mercator)
        settings.setExtent(extent)
        settings.setOutputSize(QSize(256, 256))
        settings.setBackgroundColor(QColor(255, 255, 255))
        job = QgsMapRendererSequentialJob(settings)
        job.start()
        job.waitForFinished()
        image = job.renderedImage()
        white = QColor(255, 255, 255).rgb()
        painted = sum(
            1
            for px in range(0, image.width(), 2)
            for py in range(0, image.height(), 2)
            if image.pixel(px, py) != white
        )
    print(json.dumps({"valid": layer.isValid(), "painted": painted}), flush=True)
    del layer
    app.exitQgis()


if __name__ == "__main__":
    main()
