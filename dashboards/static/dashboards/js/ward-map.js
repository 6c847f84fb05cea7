// Ward map: a choropleth of the wards for the indicator the user picks. Figures come from
// the page (json_script); ward boundaries from the ward layer API.
(function () {
  "use strict";
  // Words come from the JavaScript catalogue (/jsi18n/); code lists with the page's data.
  var gettext = window.gettext || function (text) { return text; };
  var element = document.getElementById("ward-map");
  if (!element) { return; }
  var config = IMISMap.readConfig(element);
  var data = config.wardMap;
  var status = document.getElementById("ward-map-status");
  var select = document.getElementById("ward-indicator");
  if (!data) { return; }
  var map = IMISMap.createMap(element, config);
  var byWard = {};
  data.wards.forEach(function (w) { byWard[w.ward] = w; });
  var indicators = {};
  data.indicators.forEach(function (i) { indicators[i.code] = i; });
  var number = new Intl.NumberFormat(document.documentElement.lang === "bn" ? "bn-BD" : "en",
    { maximumFractionDigits: 1 });
  // Five classes, light to dark; reversed where a higher value is worse.
  var GOOD = ["#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c"];
  var BAD = ["#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15"];
  var NO_DATA = "#d9d9d9";
  var layer = null;
  var legend = null;

  function display(indicator, value) {
    if (value === null || value === undefined) { return config.legendNoData; }
    return indicator.unit === "share" ? number.format(value * 100) + "%" : number.format(value);
  }

  function breaks(values) {
    var known = values.filter(function (v) { return v !== null && v !== undefined; });
    if (!known.length) { return []; }
    var min = Math.min.apply(null, known), max = Math.max.apply(null, known);
    if (min === max) { return [min]; }
    var step = (max - min) / 5;
    return [1, 2, 3, 4].map(function (i) { return min + step * i; }).concat([max]);
  }

  function classOf(value, edges) {
    if (value === null || value === undefined) { return -1; }
    for (var i = 0; i < edges.length; i += 1) { if (value <= edges[i]) { return i; } }
    return edges.length - 1;
  }

  function render(code) {
    var indicator = indicators[code] || data.indicators[0];
    var palette = indicator.higher_is_better ? GOOD : BAD;
    var values = data.wards.map(function (w) { return w.values[indicator.code]; });
    var edges = breaks(values);
    layer.setStyle(function (feature) {
      var ward = byWard[feature.id];
      var k = ward ? classOf(ward.values[indicator.code], edges) : -1;
      return { color: "#333", weight: 1, fillOpacity: 0.75,
        fillColor: k < 0 ? NO_DATA : palette[edges.length === 1 ? 2 : k] };
    });
    layer.eachLayer(function (shape) {
      var ward = byWard[shape.feature.id];
      if (!ward) { return; }
      var value = ward.values[indicator.code];
      shape.getElement().dataset.value = value === null ? "" : String(value);
      var popup = document.createElement("div");
      var heading = document.createElement("strong");
      heading.textContent = ward.label;
      popup.appendChild(heading);
      var table = document.createElement("div");
      table.innerHTML = IMISMap.popupTable([
        [indicator.label, display(indicator, value)],
        [gettext("Buildings"), number.format(ward.figures.buildings)],
        [gettext("People"), number.format(ward.figures.people)],
        [gettext("Containments"), number.format(ward.figures.containments)],
      ]);
      popup.appendChild(table);
      var link = document.createElement("a");
      link.className = "imis-ward-link";
      link.href = config.wardUrl.replace("/0/", "/" + ward.ward + "/") + "?year=" + data.year;
      link.textContent = gettext("Open the ward page");
      popup.appendChild(link);
      shape.bindPopup(popup);
      shape.on("dblclick", function () { window.location = link.href; });
    });
    if (legend) { map.removeControl(legend); }
    var entries = edges.map(function (edge, i) {
      var low = i === 0 ? Math.min.apply(null, values.filter(function (v) { return v !== null; }))
        : edges[i - 1];
      return { shape: "area", color: "#333", fill: palette[edges.length === 1 ? 2 : i],
        label: display(indicator, low) + " – " + display(indicator, edge) };
    });
    entries.push({ shape: "area", color: "#333", fill: NO_DATA, label: config.legendNoData });
    legend = IMISMap.legend(map, indicator.label, entries);
    element.dataset.indicator = indicator.code;
    status.textContent = config.municipalityValue + ": " + display(indicator, data.total[indicator.code]);
    var url = new URL(window.location.href);
    url.searchParams.set("indicator", indicator.code);
    window.history.replaceState(null, "", url.pathname + url.search + url.hash);
  }

  IMISMap.fetchGeoJSON(config.wardsUrl).then(function (collection) {
    layer = L.geoJSON(collection, { style: { className: "imis-ward" } }).addTo(map);
    if (collection.features.length) { map.fitBounds(layer.getBounds()); }
    render(select.value);
    element.dataset.wardsLoaded = String(collection.features.length);
  }).catch(function (error) {
    status.textContent = String(error);
  });
  select.addEventListener("change", function () { render(select.value); });
})();
