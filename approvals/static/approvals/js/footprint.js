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
  map.addControl(IMISMap.shapeDrawControl(gettext("Draw the footprint")));
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
