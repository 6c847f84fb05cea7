"""QGIS loading a whole OGC API - Features collection, as a GIS officer's "Add layer" and
first full draw do: every feature read through QGIS's OAPIF provider. Prints JSON with the
seconds it took and the features read.

Run with Debian's Python and python3-qgis (not the project's virtualenv):
    QT_QPA_PLATFORM=offscreen /usr/bin/python3 qgis_load.py URL NAME USER PASSWORD
"""

import json
import sys
import time

from qgis.core import QgsApplication, QgsDataSourceUri, QgsVectorLayer


def main() -> None:
    url, collection, username, password = sys.argv[1:]
    app = QgsApplication([], False)
    app.initQgis()
    uri = QgsDataSourceUri()
    uri.setParam("url", url)
    uri.setParam("typename", collection)
    uri.setUsername(username)
    uri.setPassword(password)
    started = time.perf_counter()
    layer = QgsVectorLayer(uri.uri(False), collection, "OAPIF")
    read = sum(1 for _ in layer.getFeatures()) if layer.isValid() else 0
    seconds = time.perf_counter() - started
    print(json.dumps({"valid": layer.isValid(), "features": read, "seconds": seconds}), flush=True)
    del layer  # before QGIS's registries go, or the exit crashes
    app.exitQgis()


if __name__ == "__main__":
    main()
