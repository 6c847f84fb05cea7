/* The citizen's complaint: tap the map (or use the phone's location) to place the problem;
   the point goes into the form's hidden latitude and longitude. */
(function () {
  "use strict";
  var element = document.querySelector("[data-complaint-map]");
  if (!element) { return; }
  var form = element.closest("[data-config-id]");
  var config = IMISMap.readConfig(form);
  var map = IMISMap.createMap(element, config);
  map.fitBounds(config.bounds);
  var latitude = form.querySelector("[name=latitude]");
  var longitude = form.querySelector("[name=longitude]");
  var said = form.querySelector("[data-placed]");
  var marker = null;

  function place(lat, lon) {
    latitude.value = lat.toFixed(6);
    longitude.value = lon.toFixed(6);
    if (marker) { marker.setLatLng([lat, lon]); } else { marker = L.marker([lat, lon]).addTo(map); }
    said.textContent = IMISMap.format(gettext("Placed at %(lat)s, %(lon)s."), {
      lat: lat.toFixed(5), lon: lon.toFixed(5)
    });
  }

  if (latitude.value && longitude.value) {
    place(parseFloat(latitude.value), parseFloat(longitude.value));
    map.setView([parseFloat(latitude.value), parseFloat(longitude.value)], 17);
  }
  map.on("click", function (event) { place(event.latlng.lat, event.latlng.lng); });
  form.querySelector("[data-locate]").addEventListener("click", function () {
    if (!navigator.geolocation) {
      said.textContent = gettext("This phone does not give its location: tap the map instead.");
      return;
    }
    said.textContent = gettext("Finding your location…");
    navigator.geolocation.getCurrentPosition(function (found) {
      place(found.coords.latitude, found.coords.longitude);
      map.setView([found.coords.latitude, found.coords.longitude], 18);
    }, function () {
      said.textContent = gettext("The location could not be read: tap the map instead.");
    }, { enableHighAccuracy: true, timeout: 15000 });
  });
})();
