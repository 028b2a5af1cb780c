/* The statistics page's map layer: one circle per area, drawn from the table beside it (so the two agree). */
(function () {
  "use strict";
  var element = document.getElementById("areas-map");
  var table = document.getElementById("areas-table");
  if (!element || !table || !window.L) return;
  var rows = table.querySelectorAll("tbody tr[data-lat]");
  var map = window.RequestMaps.create(element, {});
  var bounds = window.RequestMaps.area(element);
  var peak = 1;
  rows.forEach(function (row) { peak = Math.max(peak, Number(row.dataset.count)); });
  var points = [];
  rows.forEach(function (row) {
    var at = [Number(row.dataset.lat), Number(row.dataset.lng)];
    var count = Number(row.dataset.count);
    points.push(at);
    L.circleMarker(at, {
      radius: 6 + 14 * Math.sqrt(count / peak),
      color: "#b02a37", weight: 1, fillColor: "#dc3545", fillOpacity: 0.55, className: "area-circle",
    }).bindTooltip(String(count)).addTo(map);
  });
  if (points.length) map.fitBounds(L.latLngBounds(points).pad(0.3), { maxZoom: 15 });
  else if (bounds) map.fitBounds(bounds);
})();
