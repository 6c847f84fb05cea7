/* A vehicle's route of a day (containment/crew_route.html): the legs on the roads, each
   stop a numbered marker (jobs amber, the plant blue, the depot grey), the tanks left out
   as red rings. */
(function () {
  "use strict";
  var print = document.getElementById("route-print");
  if (print) { print.addEventListener("click", function () { window.print(); }); }
  var element = document.querySelector("[data-route-map]");
  if (!element) { return; }
  var page = element.closest("[data-config-id]");
  var config = IMISMap.readConfig(page);
  var map = IMISMap.createMap(element, config);
  var colours = { job: "#b45309", plant: "#1d4ed8", depot: "#4b5563" };
  var bounds = [];
  if (config.route) {
    var legs = L.geoJSON(config.route, { style: { color: "#7c3aed", weight: 5, opacity: 0.8 } });
    legs.addTo(map);
    legs.eachLayer(function (layer) {
      layer.getLatLngs().forEach(function (point) { bounds.push(point); });
    });
  }
  var numbers = {};
  (config.stops || []).forEach(function (stop) {
    var key = stop.lat + "," + stop.lon;
    numbers[key] = numbers[key] || { stop: stop, seqs: [] };
    numbers[key].seqs.push(stop.seq);
  });
  Object.keys(numbers).forEach(function (key) {
    var place = numbers[key];
    var stop = place.stop;
    var icon = L.divIcon({
      className: "imis-route-marker",
      html: '<span style="background:' + (colours[stop.kind] || "#4b5563") + '">' +
        IMISMap.escapeText(place.seqs.join(", ")) + "</span>",
      iconSize: null
    });
    var label = stop.kind === "job" ? stop.containment :
      stop.kind === "plant" ? stop.plant : gettext("Depot");
    L.marker([stop.lat, stop.lon], { icon: icon, title: label, keyboard: true })
      .bindPopup(IMISMap.escapeText(label)).addTo(map);
    bounds.push([stop.lat, stop.lon]);
  });
  (config.left_out || []).forEach(function (item) {
    L.circleMarker([item.lat, item.lon], { radius: 9, color: "#b91c1c", weight: 3, fill: false })
      .bindPopup(IMISMap.escapeText(item.containment + ": " + item.reason)).addTo(map);
    bounds.push([item.lat, item.lon]);
  });
  if (bounds.length) { map.fitBounds(bounds, { padding: [30, 30], maxZoom: 18 }); }
})();
