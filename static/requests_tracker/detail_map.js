(function () {
  "use strict";
  var element = document.getElementById("detail-map");
  if (!element || !window.L) return;
  var at = [Number(element.dataset.lat), Number(element.dataset.lng)];
  var map = window.RequestMaps.create(element, { center: at, zoom: Number(element.dataset.zoom) || 17 });
  L.marker(at, { title: element.dataset.markerLabel, alt: element.dataset.markerLabel, keyboard: false }).addTo(map);
})();
