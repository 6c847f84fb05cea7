// A record's page (core/pages.py): its geometry on a small map, fitted to it.
(function () {
  "use strict";
  var element = document.getElementById("record-map");
  if (!element) { return; }
  var config = JSON.parse(document.getElementById(element.dataset.configId).textContent);
  var feature = config.feature;
  if (!feature.geometry) { element.hidden = true; return; }
  var map = IMISMap.createMap(element, config);
  var shape = L.geoJSON(feature, {
    style: { color: "#b30059", weight: 3, fillOpacity: 0.2 },
    pointToLayer: function (_feature, latlng) {
      return L.circleMarker(latlng, { radius: 8, color: "#b30059", weight: 3, fillOpacity: 0.4 });
    }
  }).addTo(map);
  map.fitBounds(shape.getBounds(), { maxZoom: 19, padding: [20, 20] });
})();
