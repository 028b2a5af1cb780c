// Tells the server the browser's time zone (a cookie), once; pages that show times reload to speak it.
// A zone the person chose on the time-zone page is never overwritten. Without this script, Athens time.
(function () {
  "use strict";
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  if (!zone || /(^|;\s*)tz=/.test(document.cookie)) return;
  document.cookie = "tz=" + zone + "; path=/; max-age=31536000; samesite=lax";
  var shown = document.documentElement.getAttribute("data-time-zone");
  if (shown === zone || !/(^|;\s*)tz=/.test(document.cookie)) return;  // same zone, or cookies are blocked
  if (document.querySelector("[data-times]")) window.location.reload();
})();
