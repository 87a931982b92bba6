// fairer hub: the few things a page does in the browser. No inline script anywhere (strict CSP).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // Tartan rug: filter rows by domain and columns by area.
  const filters = document.querySelector("[data-rug-filters]");
  const rug = document.getElementById("rug");
  if (filters && rug) {
    const apply = () => {
      const domain = filters.querySelector('[data-filter="domain"]').value;
      const area = filters.querySelector('[data-filter="area"]').value;
      rug.querySelectorAll("tbody tr").forEach((tr) => {
        tr.classList.toggle("hidden", domain !== "" && tr.dataset.domain !== domain);
      });
      rug.querySelectorAll("[data-area]").forEach((cell) => {
        cell.classList.toggle("hidden", area !== "" && cell.dataset.area !== area);
      });
    };
    filters.querySelectorAll("select").forEach((s) => s.addEventListener("change", apply));
  }
  // Asset form: a click on the map gives the asset's position (British National Grid metres).
  const svg = document.querySelector("svg[data-pick]");
  if (svg) {
    const east = document.getElementById("id_easting");
    const north = document.getElementById("id_northing");
    const marker = svg.querySelector("[data-picked]");
    svg.addEventListener("click", (ev) => {
      const pt = svg.createSVGPoint();
      pt.x = ev.clientX;
      pt.y = ev.clientY;
      const p = pt.matrixTransform(svg.getScreenCTM().inverse());
      east.value = Math.round(p.x);
      north.value = Math.round(-p.y);
      marker.setAttribute("cx", Math.round(p.x));
      marker.setAttribute("cy", Math.round(p.y));
      document.getElementById("id_latitude").value = "";
      document.getElementById("id_longitude").value = "";
    });
  }
});
