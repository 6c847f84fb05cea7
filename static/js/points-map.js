/* A page's points on a map (the crew's day, the planner's day): each point a marker
   coloured by its kind (config.colours), its label a link to its page. */
(function () {
  "use strict";
  var element = document.querySelector("[data-points-map]");
  if (!element) { return; }
  var page = element.closest("[data-config-id]");
  var config = IMISMap.readConfig(page);
  var map = IMISMap.createMap(element, config);
  var colours = config.colours || {};
  var bounds = [];
  (config.points || []).forEach(function (point) {
    var marker = L.circleMarker([point.lat, point.lon], {
      radius: 9, color: "#111827", weight: 2, fillColor: colours[point.kind] || "#6b7280", fillOpacity: 0.9
    }).addTo(map);
    var link = document.createElement("a");
    link.href = point.url;
    link.textContent = point.label;
    marker.bindPopup(link);
    bounds.push([point.lat, point.lon]);
  });
  if (bounds.length) { map.fitBounds(bounds, { padding: [30, 30], maxZoom: 18 }); }
})();
