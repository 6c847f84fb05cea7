"""Edit a GeoPackage or Shapefile layer in QGIS, as a GIS officer does with the attribute
table and the vertex tool, and save it; print what was changed as JSON.

Run with Debian's Python and python3-qgis (not the project's virtualenv):
    QT_QPA_PLATFORM=offscreen /usr/bin/python3 qgis_edit_layer.py PATH EDITS_JSON

EDITS_JSON is a list of {"where": [field, value], "set": {field: value, ...},
"move_vertex": [vertex index, dx, dy]}; "set" and "move_vertex" are both optional.
"""

import json
import sys

from qgis.core import QgsApplication, QgsPointXY, QgsVectorLayer


def main() -> None:
    path, edits = sys.argv[1], json.loads(sys.argv[2])
    app = QgsApplication([], False)
    app.initQgis()
    layer = QgsVectorLayer(path, "edited", "ogr")
    if not layer.isValid():
        raise SystemExit(f"QGIS cannot open {path}")
    done = []
    layer.startEditing()
    fields = layer.fields()
    for edit in edits:
        name, value = edit["where"]
        found = [f for f in layer.getFeatures() if str(f[name]) == str(value)]
        if len(found) != 1:
            raise SystemExit(f"{len(found)} features where {name} = {value}")
        feature = found[0]
        for field, new in edit.get("set", {}).items():
            index = fields.indexOf(field)
            if index < 0:
                raise SystemExit(f"no field {field} in {fields.names()}")
            if not layer.changeAttributeValue(feature.id(), index, new):
                raise SystemExit(f"QGIS refused {field} = {new!r}")
        if "move_vertex" in edit:
            vertex, dx, dy = edit["move_vertex"]
            point = feature.geometry().vertexAt(vertex)
            moved = QgsPointXY(point.x() + dx, point.y() + dy)
            if not layer.moveVertex(moved.x(), moved.y(), feature.id(), vertex):
                raise SystemExit(f"QGIS could not move vertex {vertex}")
        done.append({"feature": feature.id(), **edit})
    if not layer.commitChanges():
        raise SystemExit("; ".join(layer.commitErrors()))
    print(json.dumps({"edited": done}), flush=True)
    # Layers must go before QGIS's registries do, or the exit crashes.
    del layer
    app.exitQgis()


if __name__ == "__main__":
    main()
