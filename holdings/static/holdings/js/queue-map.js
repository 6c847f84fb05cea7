// The reconciliation queue on the map: the footprints of every queued row's candidate
// holdings. "Show on the map" beside a row zooms to its candidates; choosing a footprint
// ticks that holding for the row, ready to be written.
(function () {
  "use strict";
  var gettext = window.gettext || function (text) { return text; };
  var element = document.getElementById("queue-map");
  if (!element) { return; }
  var config = IMISMap.readConfig(element);
  var map = IMISMap.createMap(element, config);
  var byHolding = {};
  var layer = L.geoJSON(config.candidates, {
    style: function () { return { color: "#6a51a3", weight: 2, fillColor: "#bcbddc", fillOpacity: 0.6 }; },
    onEachFeature: function (feature, shape) {
      byHolding[feature.id] = shape;
      var p = feature.properties;
      shape.bindPopup(function () {
        var box = document.createElement("div");
        var title = document.createElement("strong");
        title.textContent = IMISMap.format(gettext("Holding %(number)s, ward %(ward)s"),
          { number: p.number, ward: p.ward });
        box.appendChild(title);
        p.rows.forEach(function (row) {
          var button = document.createElement("button");
          button.type = "button";
          button.className = "imis-button";
          button.textContent = IMISMap.format(gettext("Choose for the row of %(sent)s"),
            { sent: row.sent });
          button.addEventListener("click", function () {
            var radio = document.querySelector(
              "#queued-" + row.id + " input[name=holding][value='" + feature.id + "']");
            if (radio) {
              radio.checked = true;
              radio.focus();
              document.getElementById("queued-" + row.id).scrollIntoView({ block: "center" });
            }
            map.closePopup();
          });
          box.appendChild(document.createElement("br"));
          box.appendChild(button);
        });
        return box;
      });
    }
  }).addTo(map);
  if (config.candidates.features.length) {
    map.fitBounds(layer.getBounds(), { maxZoom: 18 });
  }
  document.querySelectorAll("[data-show-candidates]").forEach(function (button) {
    button.addEventListener("click", function () {
      var ids = button.dataset.showCandidates.split(",").filter(Boolean);
      var shapes = ids.map(function (id) { return byHolding[id]; }).filter(Boolean);
      if (!shapes.length) { return; }
      map.fitBounds(L.featureGroup(shapes).getBounds(), { maxZoom: 19 });
      shapes[0].openPopup();
      element.scrollIntoView({ block: "center" });
    });
  });
}());
