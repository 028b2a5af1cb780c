/* The request form: marker on the map or an address from the geocoder; files uploaded with a progress bar. */
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

  // --- Map and marker
  var element = document.getElementById("request-map");
  var marker = null;
  var map = null;
  function place(lat, lng, message) {
    latInput.value = Number(lat).toFixed(6);
    lngInput.value = Number(lng).toFixed(6);
    if (marker) {
      marker.setLatLng([lat, lng]);
      marker.setOpacity(1);
    }
    statusText.textContent = message || latInput.value + ", " + lngInput.value;
  }
  if (element && window.L) {
    var placed = latInput.value && lngInput.value;
    var start = placed ? [Number(latInput.value), Number(lngInput.value)] : [Number(element.dataset.lat), Number(element.dataset.lng)];
    map = window.RequestMaps.create(element, { center: start, zoom: placed ? 17 : Number(element.dataset.zoom) || 13 });
    marker = L.marker(start, {
      draggable: true,
      title: element.dataset.markerLabel,
      alt: element.dataset.markerLabel,
      opacity: placed ? 1 : 0.6,
    }).addTo(map);
    marker.on("dragend", function () {
      var at = marker.getLatLng();
      place(at.lat, at.lng);
    });
    map.on("click", function (event) { place(event.latlng.lat, event.latlng.lng); });
  }

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
        data.results.forEach(function (place_) {
          var item = document.createElement("li");
          item.className = "list-group-item p-0";
          var button = document.createElement("button");
          button.type = "button";
          button.className = "btn btn-link text-start w-100 geocode-choice";
          button.textContent = place_.label;
          button.addEventListener("click", function () {
            addressInput.value = place_.label;
            place(place_.lat, place_.lng, place_.label);
            if (map) map.setView([place_.lat, place_.lng], 17);
            results.innerHTML = "";
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

  // --- Files: queued on choice or drop, uploaded one by one with progress, then kept as hidden ids
  var fileInput = document.getElementById("id_files");
  var dropZone = document.getElementById("drop-zone");
  var queueList = document.getElementById("upload-queue");
  var startButton = document.getElementById("upload-start");
  var staged = document.getElementById("staged-files");
  var uploadMessage = document.getElementById("upload-message");
  var queue = [];

  function enqueue(files) {
    Array.prototype.forEach.call(files, function (file) {
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
    fileInput.value = ""; // the script sends them; the form must not send them a second time
    startButton.disabled = queue.length === 0;
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
          var li = document.createElement("li");
          var hidden = document.createElement("input");
          hidden.type = "hidden";
          hidden.name = "attachment";
          hidden.value = body.id;
          li.appendChild(hidden);
          li.appendChild(document.createTextNode("✔ " + body.name));
          staged.appendChild(li);
        } else {
          var problem = document.createElement("p");
          problem.className = "text-danger mb-1 upload-error";
          problem.textContent = body.error || String(xhr.status);
          uploadMessage.appendChild(problem);
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
    uploadMessage.innerHTML = "";
    return entries.reduce(function (chain, entry) {
      return chain.then(function () { return uploadOne(entry); });
    }, Promise.resolve());
  }

  if (fileInput && dropZone) {
    fileInput.addEventListener("change", function () { enqueue(fileInput.files); });
    startButton.addEventListener("click", function () { uploadAll(); });
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
