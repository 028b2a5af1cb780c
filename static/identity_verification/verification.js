// Identity verification pages: a print button, the request form's method-dependent parts, local times.
// A separate file because the Content-Security-Policy allows scripts from the site only.
(function () {
  "use strict";

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });

  // Show the office only for a visit, the uploads only for an online request. Without JavaScript all stay visible.
  var methods = document.querySelectorAll('input[name="method"]');
  function showParts() {
    var chosen = document.querySelector('input[name="method"]:checked');
    document.querySelectorAll("[data-for-method]").forEach(function (part) {
      part.hidden = !chosen || part.getAttribute("data-for-method") !== chosen.value;
    });
  }
  if (methods.length) {
    methods.forEach(function (radio) {
      radio.addEventListener("change", showParts);
    });
    showParts();
  }

  // Times in the reader's own time zone (the page shows the municipality's time until this runs).
  var language = document.documentElement.lang || undefined;
  document.querySelectorAll("time[data-local-time]").forEach(function (element) {
    var moment = new Date(element.getAttribute("datetime"));
    if (!isNaN(moment.getTime())) {
      element.textContent = moment.toLocaleString(language, { dateStyle: "long", timeStyle: "short" });
    }
  });
})();
