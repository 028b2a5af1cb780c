// Shows each free time in the browser's own time zone and says which zone that is.
// Without this script the page shows the municipality's time and says so.
(function () {
  "use strict";
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  var lang = document.documentElement.lang || "el";
  var onlyTime = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  var full = new Intl.DateTimeFormat(lang, {
    weekday: "long", day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  });
  document.querySelectorAll("time.slot-time, .slot-time time").forEach(function (element) {
    var moment = new Date(element.getAttribute("datetime"));
    if (isNaN(moment)) return;
    element.textContent = element.closest("button") ? onlyTime.format(moment) : full.format(moment);
  });
  document.querySelectorAll(".zone-label").forEach(function (element) {
    element.textContent = "(" + zone + ")";
  });
  var note = document.getElementById("zone-note");
  if (note) note.textContent = note.dataset.zoneTemplate.replace("%(zone)s", zone);
  var select = document.getElementById("id_clerk");
  if (select) select.addEventListener("change", function () { select.form.submit(); });
})();
