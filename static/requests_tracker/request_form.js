/* The request form: a marker placed by mouse, keyboard, the map's centre, the browser's location or an address; the
   address always follows the marker (reverse geocoding, or cleared); files checked here first, staged one by one,
   removable; open requests of the same category nearby offered for a vote instead. */
(function () {
  "use strict";
  var form = document.getElementById("request-form");
  if (!form) return;
  document.querySelectorAll(".js-only").forEach(function (el) { el.classList.remove("d-none"); });
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var latInput = document.getElementById("id_latitude");
  var lngInput = document.getElementById("id_longitude");
  var statusText = document.getElementById("location-status");
  var addressInput = document.getElementById("id_address");
  var tokenInput = document.getElementById("id_address_token");
  var categorySelect = document.getElementById("id_category");

  // --- Map and marker
  var element = document.getElementById("request-map");
  var marker = null;
  var map = null;
  var reverseRequest = 0;

  function markerElement() { return marker ? marker.getElement() : null; }
  function showPlaced(placed) {
    var icon = markerElement();
    if (icon) icon.classList.toggle("marker-unplaced", !placed);
    if (icon) icon.setAttribute("aria-label", element.dataset.markerLabel + (placed ? "" : " — " + element.dataset.unplacedText));
  }

  // Put the marker (and the form's coordinates) at a point. `address` is the geocoder's label and token when the
  // point came from an address; otherwise the address is asked of the reverse geocoder, and cleared meanwhile.
  function place(lat, lng, address) {
    latInput.value = Number(lat).toFixed(6);
    lngInput.value = Number(lng).toFixed(6);
    if (marker) marker.setLatLng([lat, lng]);
    showPlaced(true);
    if (address) {
      addressInput.value = address.label;
      tokenInput.value = address.token || "";
      statusText.textContent = element.dataset.placedText + " " + address.label;
    } else {
      reverseGeocode(lat, lng);
    }
    nearby();
  }

  function reverseGeocode(lat, lng) {
    var ticket = ++reverseRequest;
    var hadAddress = addressInput.value.trim() !== "";
    addressInput.value = "";
    tokenInput.value = "";
    statusText.textContent = element.dataset.placedText + " " + latInput.value + ", " + lngInput.value;
    if (!element.dataset.reverseUrl) return;
    fetch(element.dataset.reverseUrl + "?lat=" + latInput.value + "&lng=" + lngInput.value, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (ticket !== reverseRequest) return; // the marker has moved again since
        if (data.label) {
          addressInput.value = data.label;
          tokenInput.value = data.token;
          statusText.textContent = element.dataset.placedText + " " + data.label;
        } else {
          statusText.textContent = element.dataset.placedText + " " + (hadAddress ? element.dataset.addressClearedText : element.dataset.noAddressText);
        }
      })
      .catch(function () {
        if (ticket === reverseRequest && hadAddress) statusText.textContent = element.dataset.addressClearedText;
      });
  }

  if (element && window.L) {
    var placed = latInput.value && lngInput.value;
    var start = placed ? [Number(latInput.value), Number(lngInput.value)] : [Number(element.dataset.lat), Number(element.dataset.lng)];
    map = window.RequestMaps.create(element, { center: start, zoom: placed ? 17 : Number(element.dataset.zoom) || 13 });
    marker = L.marker(start, {
      draggable: true,
      keyboard: true,
      title: element.dataset.markerLabel,
      alt: element.dataset.markerLabel,
    }).addTo(map);
    showPlaced(Boolean(placed));
    marker.on("dragend", function () {
      var at = marker.getLatLng();
      place(at.lat, at.lng);
    });
    map.on("click", function (event) { place(event.latlng.lat, event.latlng.lng); });

    // Keyboard: arrows move the focused marker (about 5 m, or 50 m with Shift); Enter places it where it stands.
    var icon = markerElement();
    icon.setAttribute("role", "button");
    icon.addEventListener("keydown", function (event) {
      var steps = { ArrowUp: [1, 0], ArrowDown: [-1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
      var at = marker.getLatLng();
      if (steps[event.key]) {
        event.preventDefault();
        event.stopPropagation(); // not the map's own arrow-key panning
        var metres = event.shiftKey ? 50 : 5;
        var dLat = (steps[event.key][0] * metres) / 111000;
        var dLng = (steps[event.key][1] * metres) / (111000 * Math.cos((at.lat * Math.PI) / 180));
        var next = L.latLng(at.lat + dLat, at.lng + dLng);
        marker.setLatLng(next);
        if (!map.getBounds().contains(next)) map.panTo(next);
        clearTimeout(icon._placeTimer);
        icon._placeTimer = setTimeout(function () { place(next.lat, next.lng); }, 400);
      } else if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        place(at.lat, at.lng);
      }
    });

    document.getElementById("place-centre").addEventListener("click", function () {
      var centre = map.getCenter();
      place(centre.lat, centre.lng);
      markerElement().focus();
    });
    var mine = document.getElementById("place-mine");
    if (navigator.geolocation && window.isSecureContext) {
      mine.classList.remove("d-none");
      mine.addEventListener("click", function () {
        statusText.textContent = element.dataset.locatingText;
        navigator.geolocation.getCurrentPosition(
          function (position) {
            place(position.coords.latitude, position.coords.longitude);
            map.setView([position.coords.latitude, position.coords.longitude], 17);
            markerElement().focus();
          },
          function () { statusText.textContent = element.dataset.locationDeniedText; },
          { timeout: 10000 }
        );
      });
    }
  }

  // A typed address is only a search until a place is chosen: never sent as the address on its own.
  addressInput.addEventListener("input", function () { tokenInput.value = ""; });

  // --- Address search
  var searchButton = document.getElementById("address-search");
  var results = document.getElementById("geocode-results");
  var geoMessage = document.getElementById("geocode-message");
  function search() {
    var query = addressInput.value.trim();
    results.innerHTML = "";
    if (!query) return;
    geoMessage.textContent = "…";
    fetch(form.dataset.geocodeUrl + "?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        geoMessage.textContent = data.error || (data.results.length ? "" : searchButton.dataset.none || "—");
        data.results.forEach(function (found) {
          var item = document.createElement("li");
          item.className = "list-group-item p-0";
          var button = document.createElement("button");
          button.type = "button";
          button.className = "btn btn-link text-start w-100 geocode-choice";
          button.textContent = found.label;
          button.addEventListener("click", function () {
            place(found.lat, found.lng, { label: found.label, token: found.token });
            if (map) map.setView([found.lat, found.lng], 17);
            results.innerHTML = "";
            // Focus to the marker, where the arrow keys can fine-tune the point; else to the status line.
            var icon = markerElement();
            (icon || statusText).focus();
          });
          item.appendChild(button);
          results.appendChild(item);
        });
      })
      .catch(function () { geoMessage.textContent = "✖"; });
  }
  if (searchButton) {
    searchButton.addEventListener("click", search);
    addressInput.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); search(); }
    });
  }

  // --- Open requests of the same category nearby: «vote for it instead»
  var nearbyBox = document.getElementById("nearby");
  var nearbyList = document.getElementById("nearby-list");
  function nearby() {
    if (!element || !element.dataset.nearbyUrl || !nearbyBox) return;
    if (!categorySelect.value || !latInput.value) { nearbyBox.classList.add("d-none"); return; }
    var url = element.dataset.nearbyUrl + "?category=" + encodeURIComponent(categorySelect.value) + "&lat=" + latInput.value + "&lng=" + lngInput.value;
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        nearbyList.innerHTML = "";
        (data.results || []).forEach(function (row) {
          var item = document.createElement("li");
          var link = document.createElement("a");
          link.href = row.url;
          link.textContent = row.code + " " + row.title;
          item.appendChild(link);
          item.appendChild(document.createTextNode(" · " + row.status + " · " + row.votes + " " + nearbyList.dataset.votesText + " · " + row.distance + " " + nearbyList.dataset.metresText));
          nearbyList.appendChild(item);
        });
        nearbyBox.classList.toggle("d-none", !(data.results || []).length);
      })
      .catch(function () { nearbyBox.classList.add("d-none"); });
  }
  if (categorySelect) categorySelect.addEventListener("change", nearby);
  if (latInput.value) nearby();

  // --- Files: checked here first (size, type, duplicates, the limit), uploaded one by one, removable
  var fileInput = document.getElementById("id_files");
  var dropZone = document.getElementById("drop-zone");
  var queueList = document.getElementById("upload-queue");
  var startButton = document.getElementById("upload-start");
  var staged = document.getElementById("staged-files");
  var uploadMessage = document.getElementById("upload-message");
  var queue = [];
  var maxFiles = Number(staged.dataset.maxFiles) || 5;
  var maxSize = Number(staged.dataset.maxSize) || 10485760;
  var accepted = (staged.dataset.accept || "").split(",").map(function (ext) { return ext.trim().toLowerCase(); });

  function problem(text) {
    var line = document.createElement("p");
    line.className = "text-danger mb-1 upload-error";
    line.textContent = text;
    uploadMessage.appendChild(line);
  }
  function fileKey(name, size) { return name.toLowerCase() + "|" + size; }
  function takenKeys() {
    var keys = {};
    staged.querySelectorAll("li.staged-file").forEach(function (li) { keys[fileKey(li.dataset.name || "", li.dataset.size)] = true; });
    queue.forEach(function (entry) { keys[fileKey(entry.file.name, entry.file.size)] = true; });
    return keys;
  }
  function slotsLeft() { return maxFiles - staged.querySelectorAll("li.staged-file").length - queue.length; }

  function enqueue(files) {
    uploadMessage.innerHTML = "";
    var refusedForLimit = [];
    Array.prototype.forEach.call(files, function (file) {
      var extension = "." + (file.name.split(".").pop() || "").toLowerCase();
      if (accepted.length && accepted.indexOf(extension) === -1) { problem(file.name + ": " + staged.dataset.wrongTypeText); return; }
      if (file.size > maxSize) { problem(file.name + ": " + staged.dataset.tooBigText); return; }
      if (takenKeys()[fileKey(file.name, file.size)]) { problem(file.name + ": " + staged.dataset.duplicateText); return; }
      if (slotsLeft() <= 0) { refusedForLimit.push(file.name); return; }
      var item = document.createElement("li");
      item.className = "mb-2";
      var name = document.createElement("span");
      name.textContent = file.name;
      var bar = document.createElement("progress");
      bar.max = 100;
      bar.value = 0;
      bar.className = "ms-2";
      bar.setAttribute("aria-label", file.name);
      item.appendChild(name);
      item.appendChild(bar);
      queueList.appendChild(item);
      queue.push({ file: file, item: item, bar: bar });
    });
    if (refusedForLimit.length) problem(staged.dataset.tooManyText + " " + refusedForLimit.join(", "));
    fileInput.value = ""; // the script sends them; the form must not send them a second time
    startButton.disabled = queue.length === 0;
  }

  function addRemoveButton(li) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-sm btn-outline-danger staged-remove";
    button.textContent = staged.dataset.removeText;
    button.setAttribute("aria-label", staged.dataset.removeText + ": " + (li.dataset.name || ""));
    button.addEventListener("click", function () {
      fetch(li.dataset.removeUrl, { method: "POST", headers: { "X-CSRFToken": csrf, Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok && response.status !== 404) throw new Error(String(response.status));
          var next = li.nextElementSibling || li.previousElementSibling;
          li.remove();
          uploadMessage.textContent = staged.dataset.removedText + " " + (li.dataset.name || "");
          (next ? next.querySelector("button") : fileInput).focus();
        })
        .catch(function (error) { problem(String(error)); });
    });
    li.appendChild(button);
  }
  staged.querySelectorAll("li.staged-file").forEach(addRemoveButton);

  function stagedItem(body) {
    var li = document.createElement("li");
    li.className = "staged-file d-flex align-items-center gap-2 mb-1";
    li.dataset.removeUrl = body.remove;
    li.dataset.name = body.name;
    li.dataset.size = body.clientSize;
    var hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = "attachment";
    hidden.value = body.id;
    li.appendChild(hidden);
    if (body.thumb) {
      var thumb = document.createElement("img");
      thumb.className = "staged-thumb rounded";
      thumb.src = body.thumb;
      thumb.alt = "";
      li.appendChild(thumb);
    }
    var label = document.createElement("span");
    label.textContent = "✔ " + body.name;
    li.appendChild(label);
    addRemoveButton(li);
    return li;
  }

  function uploadOne(entry) {
    return new Promise(function (resolve) {
      var data = new FormData();
      data.append("file", entry.file);
      staged.querySelectorAll("input[name=attachment]").forEach(function (input) { data.append("attachment", input.value); });
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.dataset.uploadUrl);
      xhr.setRequestHeader("X-CSRFToken", csrf);
      xhr.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) entry.bar.value = Math.round((100 * event.loaded) / event.total);
      });
      xhr.addEventListener("load", function () {
        var body = {};
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = { error: xhr.statusText }; }
        entry.item.remove();
        if (xhr.status === 201) {
          // The name the browser had, for the duplicate check; the server's cleaned name is shown.
          body.clientSize = entry.file.size;
          var li = stagedItem(body);
          li.dataset.name = entry.file.name;
          staged.appendChild(li);
        } else {
          problem(body.error || String(xhr.status));
        }
        resolve();
      });
      xhr.addEventListener("error", function () {
        entry.item.remove();
        resolve();
      });
      xhr.send(data);
    });
  }

  function uploadAll() {
    var entries = queue.splice(0, queue.length);
    startButton.disabled = true;
    return entries.reduce(function (chain, entry) {
      return chain.then(function () { return uploadOne(entry); });
    }, Promise.resolve());
  }

  if (fileInput && dropZone) {
    fileInput.addEventListener("change", function () { enqueue(fileInput.files); });
    startButton.addEventListener("click", function () { uploadMessage.innerHTML = ""; uploadAll(); });
    ["dragenter", "dragover"].forEach(function (type) {
      dropZone.addEventListener(type, function (event) {
        event.preventDefault();
        dropZone.classList.add("is-dragover");
      });
    });
    ["dragleave", "drop"].forEach(function (type) {
      dropZone.addEventListener(type, function () { dropZone.classList.remove("is-dragover"); });
    });
    dropZone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files) enqueue(event.dataTransfer.files);
    });
    form.addEventListener("submit", function (event) {
      if (queue.length === 0) return;
      event.preventDefault(); // upload what is still waiting, then send the form
      uploadAll().then(function () { form.submit(); });
    });
  }
})();
