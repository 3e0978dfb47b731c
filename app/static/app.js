// Page behaviour, loaded on every page. No inline scripts: the Content-Security-Policy forbids them.
"use strict";

(function () {
  function readJson(id) {
    const element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  // Pie chart of spending by category; data comes from a JSON block rendered by the server.
  function drawCategoryChart() {
    const data = readJson("category-chart-data");
    const canvas = document.getElementById("category-chart");
    if (!data || !canvas || typeof Chart === "undefined") {
      return;
    }
    const chart = new Chart(canvas, {
      type: "pie",
      data: {
        labels: data.labels,
        datasets: [
          {
            // Chart.js needs numbers to size slices; the labels show the server's exact strings.
            data: data.amounts.map(Number),
            backgroundColor: data.colors,
            borderWidth: 1,
          },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: true,
        onClick: (_event, elements) => {
          if (elements.length && data.links) {
            window.location.assign(data.links[elements[0].index]);
          }
        },
        onHover: (event, elements) => {
          event.native.target.style.cursor = elements.length ? "pointer" : "default";
        },
        plugins: {
          legend: { position: "bottom" },
          tooltip: {
            callbacks: {
              label: (context) => ` ${context.label}: ${data.formatted[context.dataIndex]}`,
            },
          },
        },
      },
    });
    canvas.dataset.rendered = "true";
    window.expenseCharts = window.expenseCharts || {};
    window.expenseCharts.category = chart;
  }

  // Budget bars: the width comes from data-percent, because the CSP forbids inline style attributes.
  function sizeProgressBars() {
    document.querySelectorAll(".progress-bar[data-percent]").forEach(function (bar) {
      bar.style.width = bar.dataset.percent + "%";
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    sizeProgressBars();
    drawCategoryChart();
    // Move focus to the first field with an error, so keyboard and screen-reader users land on it.
    const invalid = document.querySelector(".is-invalid");
    if (invalid) {
      invalid.focus();
    }
  });
})();
