/* Estate and project maps: every element with data-points-url becomes a Leaflet map of the GeoJSON it names.
   With no tile URL the map draws points and boundaries on a blank background (works offline). */
(function () {
  "use strict";
  var COLOURS = { eligible: "#198754", eligible_capped: "#0dcaf0", not_eligible: "#6c757d", "": "#fd7e14" };

  function escapeHtml(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function popup(properties) {
    var href = properties.url || "/estates/" + encodeURIComponent(properties.id) + "/";
    return '<a href="' + escapeHtml(href) + '">' + escapeHtml(properties.name) + "</a><br>" +
      escapeHtml(properties.street) + (properties.build_year ? " · " + escapeHtml(properties.build_year) : "") +
      (properties.stage ? " · " + escapeHtml(properties.stage) : "");
  }

  function draw(element) {
    if (typeof L === "undefined") { return; }
    var map = L.map(element, { zoomControl: true, attributionControl: !!element.dataset.tileUrl });
    if (element.dataset.tileUrl) {
      L.tileLayer(element.dataset.tileUrl, { maxZoom: 19 }).addTo(map);
    } else {
      element.style.background = "#f8f9fa";
    }
    L.control.scale({ imperial: false }).addTo(map);
    map.setView([35.0, 105.0], 4);
    fetch(element.dataset.pointsUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var layer = L.geoJSON(data, {
          pointToLayer: function (feature, latlng) {
            return L.circleMarker(latlng, {
              radius: 6, weight: 1, color: "#333", fillOpacity: 0.85,
              fillColor: feature.properties.colour || COLOURS[feature.properties.eligibility] || COLOURS[""]
            });
          },
          style: function () { return { color: "#0d6efd", weight: 2, fillOpacity: 0.1 }; },
          onEachFeature: function (feature, item) { item.bindPopup(popup(feature.properties)); }
        }).addTo(map);
        var count = document.querySelector("[data-map-count]");
        if (count) { count.textContent = String(data.features.length); }
        if (data.features.length) {
          map.fitBounds(layer.getBounds(), { maxZoom: 16, padding: [20, 20] });
        }
        element.dataset.loaded = String(data.features.length);
      });
  }

  document.querySelectorAll("[data-points-url]").forEach(draw);
})();
