/* The crew's day (issue 25): the jobs on a map, each marker a link to its job. */
(function () {
  "use strict";
  var page = document.getElementById("crew");
  var element = document.getElementById("crew-map");
  if (!page || !element) { return; }
  var config = IMISMap.readConfig(page);
  var map = IMISMap.createMap(element, config);
  var colours = { empty: "#b45309", discharge: "#1d4ed8", done: "#15803d" };
  var bounds = [];
  (config.points || []).forEach(function (point) {
    var marker = L.circleMarker([point.lat, point.lon], {
      radius: 9, color: "#111827", weight: 2, fillColor: colours[point.step] || "#6b7280", fillOpacity: 0.9
    }).addTo(map);
    var link = document.createElement("a");
    link.href = point.url;
    link.textContent = point.label;
    marker.bindPopup(link);
    bounds.push([point.lat, point.lon]);
  });
  if (bounds.length) { map.fitBounds(bounds, { padding: [30, 30], maxZoom: 18 }); }
})();
