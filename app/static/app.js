// Page behaviour, loaded on every page. No inline scripts: the Content-Security-Policy forbids them.
"use strict";

(function () {
  function readJson(id) {
    const element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  // What scripts say, in the page's language (the "script-messages" block, app/templating.py):
  // scriptMessage("refused", { status: 500 }) fills in %(status)s.
  window.scriptMessage = function (key, values) {
    const messages = readJson("script-messages") || {};
    let text = messages[key] || key;
    Object.entries(values || {}).forEach(function ([name, value]) {
      text = text.replace("%(" + name + ")s", String(value));
    });
    return text;
  };

  // Chart text, grid lines and slice borders take the page's colours (Bootstrap's CSS variables), so
  // charts are readable in light and dark mode; they are redrawn when the theme changes.
  function useThemeColours() {
    if (typeof Chart === "undefined") {
      return false;
    }
    const style = getComputedStyle(document.documentElement);
    Chart.defaults.color = style.getPropertyValue("--bs-body-color").trim();
    Chart.defaults.borderColor = style.getPropertyValue("--bs-border-color-translucent").trim();
    Chart.defaults.elements.arc.borderColor = style.getPropertyValue("--bs-body-bg").trim();
    return true;
  }

  function followTheme() {
    new MutationObserver(function () {
      if (!useThemeColours()) {
        return;
      }
      Object.values(window.expenseCharts || {}).forEach(function (chart) {
        // A chart copies the defaults into its axes when it is made; those take the new colours here.
        Object.values(chart.options.scales || {}).forEach(function (scale) {
          scale.ticks.color = Chart.defaults.color;
          scale.grid.color = Chart.defaults.borderColor;
          scale.border.color = Chart.defaults.borderColor;
        });
        chart.update();
      });
    }).observe(document.documentElement, { attributes: true, attributeFilter: ["data-bs-theme"] });
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

  // A bar chart from a JSON block {labels, datasets: [{label, color, amounts, formatted, links}]}.
  // Amounts arrive as exact decimal strings; Number() is only for drawing, tooltips show
  // the server's formatted strings, and clicking a bar opens the expense list behind it.
  function drawBarChart(name, options) {
    const data = readJson(name + "-chart-data");
    const canvas = document.getElementById(name + "-chart");
    if (!data || !canvas || typeof Chart === "undefined") {
      return;
    }
    if (options.horizontal) {
      // One bar per category: give each about 1.75rem, so that many categories stay readable.
      canvas.parentElement.style.height = Math.max(12, 3 + data.labels.length * 1.75) + "rem";
    }
    const stacked = Boolean(options.stacked);
    const valueAxis = { stacked: stacked, beginAtZero: true };
    const categoryAxis = { stacked: stacked };
    const chart = new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.datasets.map((set) => ({
          label: set.label,
          data: set.amounts.map(Number),
          backgroundColor: set.color,
        })),
      },
      options: {
        indexAxis: options.horizontal ? "y" : "x",
        // Axis numbers as the server writes amounts (the user's locale, not the browser's).
        locale: data.locale,
        responsive: true,
        maintainAspectRatio: false,
        scales: options.horizontal ? { x: valueAxis, y: categoryAxis } : { x: categoryAxis, y: valueAxis },
        onClick: (_event, elements) => {
          if (elements.length) {
            const link = data.datasets[elements[0].datasetIndex].links[elements[0].index];
            if (link) {
              window.location.assign(link);
            }
          }
        },
        onHover: (event, elements) => {
          event.native.target.style.cursor = elements.length ? "pointer" : "default";
        },
        plugins: {
          legend: { display: data.datasets.length > 1, position: "bottom" },
          tooltip: {
            callbacks: {
              label: (context) => {
                const set = data.datasets[context.datasetIndex];
                const name = data.datasets.length > 1 ? set.label : context.label;
                return ` ${name}: ${set.formatted[context.dataIndex]}`;
              },
            },
          },
        },
      },
    });
    canvas.dataset.rendered = "true";
    window.expenseCharts = window.expenseCharts || {};
    window.expenseCharts[name] = chart;
  }

  function drawReportCharts() {
    drawBarChart("monthly", { stacked: true });
    drawBarChart("comparison", {});
    drawBarChart("averages", { horizontal: true });
  }

  // The expense filter form sends only the fields that are set and differ from the defaults, so
  // the address stays short. A quick date pick travels with the dates it stands for; dates edited
  // by hand replace it (the server applies the same rule when this script does not run).
  function enhanceFilterForm() {
    const form = document.getElementById("filter-form");
    if (!form) {
      return;
    }
    const from = form.elements.namedItem("from");
    const to = form.elements.namedItem("to");
    const shownDates = [from.value, to.value];
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      const params = new URLSearchParams();
      for (const [name, value] of new FormData(form)) {
        const field = form.elements.namedItem(name);
        const fallback = field && field.dataset ? field.dataset.default : undefined;
        if (value.trim() !== "" && value !== fallback) {
          params.append(name, value.trim());
        }
      }
      if (params.has("range")) {
        if (from.value === shownDates[0] && to.value === shownDates[1]) {
          params.delete("from");
          params.delete("to");
        } else {
          params.delete("range");
        }
      }
      const query = params.toString();
      window.location.assign(form.getAttribute("action") + (query ? "?" + query : ""));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    sizeProgressBars();
    useThemeColours();
    followTheme();
    if (typeof Chart !== "undefined") {
      // Charts are drawn at once: their opening animation cost a phone about a second of main-thread work.
      Chart.defaults.animation = false;
    }
    drawCategoryChart();
    drawReportCharts();
    enhanceFilterForm();
    // Move focus to the first field with an error, so keyboard and screen-reader users land on it.
    const invalid = document.querySelector('main [aria-invalid="true"]');
    if (invalid) {
      invalid.focus();
    }
  });
})();
