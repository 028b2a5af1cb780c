/* The list's map: pins for the visible area only, clustered by the server on a grid for the current zoom. */
(function () {
  "use strict";
  var element = document.getElementById("requests-map");
  if (!element || !window.L) return;
  var map = window.RequestMaps.create(element, {
    center: [Number(element.dataset.lat), Number(element.dataset.lng)],
    zoom: Number(element.dataset.zoom) || 13,
  });
  var layer = L.layerGroup().addTo(map);
  var pending = null;

  function load() {
    var b = map.getBounds();
    var bbox = [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()].map(function (n) { return n.toFixed(6); });
    var url = element.dataset.pinsUrl + "&bbox=" + bbox.join(",") + "&zoom=" + map.getZoom();
    if (pending) pending.abort();
    pending = new AbortController();
    fetch(url, { signal: pending.signal, headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) { draw(data.pins || []); })
      .catch(function () {});
  }

  function draw(pins) {
    layer.clearLayers();
    pins.forEach(function (pin) {
      if (pin.count > 1) {
        var size = pin.count < 10 ? 30 : pin.count < 100 ? 38 : 46;
        var label = pin.count + " " + element.dataset.clusterLabel;
        var cluster = L.marker([pin.lat, pin.lng], {
          title: label,
          alt: label,
          icon: L.divIcon({ className: "map-cluster", html: String(pin.count), iconSize: [size, size] }),
        });
        cluster.on("click", function () { map.setView([pin.lat, pin.lng], Math.min(map.getZoom() + 2, 19)); });
        cluster.addTo(layer);
      } else {
        var marker = L.marker([pin.lat, pin.lng], {
          title: pin.title,
          alt: pin.title,
          icon: L.divIcon({ className: "map-pin-wrap", html: '<span class="map-pin d-block"></span>', iconSize: [18, 18] }),
        });
        marker.on("add", function () {
          var dot = marker.getElement().querySelector(".map-pin");
          dot.style.background = pin.colour;
        });
        var link = document.createElement("a");
        link.href = element.dataset.detailUrl.replace("CODE", pin.code);
        link.textContent = pin.code + " " + pin.title;
        marker.bindPopup(link);
        marker.addTo(layer);
      }
    });
  }

  map.on("moveend", load);
  load();
})();
