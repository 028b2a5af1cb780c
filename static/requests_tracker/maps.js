/* Shared helpers for the request maps (Leaflet from static vendor/leaflet/; no inline scripts under our CSP). */
(function () {
  "use strict";
  window.RequestMaps = {
    create: function (element, options) {
      element.classList.remove("d-none"); // first: Leaflet measures the container when the map is made
      var map = L.map(element, Object.assign({ scrollWheelZoom: false }, options || {}));
      L.tileLayer(element.dataset.tiles, {
        maxZoom: 19,
        attribution: element.dataset.attribution || "© OpenStreetMap",
      }).addTo(map);
      return map;
    },
    area: function (element) {
      var parts = (element.dataset.area || "").split(",").map(Number);
      return parts.length === 4 ? L.latLngBounds([parts[0], parts[1]], [parts[2], parts[3]]) : null;
    },
  };
})();
