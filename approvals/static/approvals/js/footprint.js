/* The proposed footprint drawn on a map of the town: the polygon is written, as GeoJSON,
   into the form's hidden footprint field. */
(function () {
  "use strict";
  var element = document.getElementById("footprint-map");
  if (!element) return;
  var config = JSON.parse(document.getElementById("footprint-config").textContent);
  var field = document.getElementById("id_footprint");
  var status = document.getElementById("footprint-status");
  var map = IMISMap.createMap(element, config);
  var drawn = new L.FeatureGroup().addTo(map);
  var local = L.drawLocal.draw;
  local.toolbar.buttons.polygon = gettext("Draw the footprint");
  local.toolbar.buttons.rectangle = gettext("Draw a rectangle");
  local.toolbar.actions.text = gettext("Cancel");
  local.toolbar.actions.title = gettext("Cancel");
  local.toolbar.finish.text = gettext("Finish");
  local.toolbar.finish.title = gettext("Finish");
  local.toolbar.undo.text = gettext("Delete the last point");
  local.toolbar.undo.title = gettext("Delete the last point");
  local.handlers.polygon.tooltip = { start: gettext("Click to start drawing."), cont: gettext("Click to continue drawing."), end: gettext("Click the first point to close the shape.") };
  local.handlers.rectangle.tooltip.start = gettext("Click and drag to draw a rectangle.");
  local.handlers.simpleshape.tooltip.end = gettext("Release the mouse to finish.");
  map.addControl(new L.Control.Draw({
    draw: {
      polygon: { allowIntersection: false, showArea: false },
      rectangle: { showArea: false },
      polyline: false, circle: false, marker: false, circlemarker: false,
    },
  }));
  function show(geometry) {
    drawn.clearLayers();
    var layer = L.geoJSON(geometry).addTo(drawn);
    field.value = JSON.stringify(geometry);
    status.textContent = gettext("The footprint is drawn.");
    return layer;
  }
  if (field.value) {
    try { map.fitBounds(show(JSON.parse(field.value)).getBounds()); } catch (error) { field.value = ""; }
  }
  map.on(L.Draw.Event.CREATED, function (event) {
    show(event.layer.toGeoJSON().geometry);
  });
})();
