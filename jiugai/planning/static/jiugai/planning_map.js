/* Plan and bundle maps: every element with data-plan-points-url becomes a Leaflet map of the GeoJSON it names,
   points coloured by tier (or by bundle status). Without a tile URL it draws on a blank background. */
(function () {
  "use strict";
  var COLOURS = {
    implement: "#198754", plan: "#0d6efd", reserve: "#6c757d",
    accepted: "#198754", suggested: "#fd7e14", rejected: "#6c757d"
  };

  function escapeHtml(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function draw(element) {
    if (typeof L === "undefined") { return; }
    var by = element.dataset.colourBy || "tier";
    var map = L.map(element, { zoomControl: true, attributionControl: !!element.dataset.tileUrl });
    if (element.dataset.tileUrl) {
      L.tileLayer(element.dataset.tileUrl, { maxZoom: 19 }).addTo(map);
    } else {
      element.style.background = "#f8f9fa";
    }
    L.control.scale({ imperial: false }).addTo(map);
    map.setView([35.0, 105.0], 4);
    fetch(element.dataset.planPointsUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var layer = L.geoJSON(data, {
          pointToLayer: function (feature, latlng) {
            return L.circleMarker(latlng, {
              radius: 7, weight: 1, color: "#333", fillOpacity: 0.85,
              fillColor: COLOURS[feature.properties[by]] || "#fd7e14"
            });
          },
          onEachFeature: function (feature, item) {
            var p = feature.properties;
            item.bindPopup(escapeHtml(p.name) + "<br>" + escapeHtml(p.tier_label || p.bundle_name || "") +
              (p.cost ? "<br>" + escapeHtml(p.cost) : ""));
          }
        }).addTo(map);
        if (data.features.length) { map.fitBounds(layer.getBounds(), { maxZoom: 16, padding: [20, 20] }); }
        element.dataset.loaded = String(data.features.length);
      });
  }

  document.querySelectorAll("[data-plan-points-url]").forEach(draw);
})();
