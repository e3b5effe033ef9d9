/* Dashboard charts (Chart.js, served by the app). Data comes from <script type="application/json">
   blocks next to each canvas; every chart has a table with the same figures beside it.
   No inline script anywhere, so a strict Content-Security-Policy holds. */
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  // Share bars: widths come from data attributes (no inline styles in the markup).
  document.querySelectorAll(".bar > span[data-width]").forEach(function (bar) {
    bar.style.width = Math.max(0, Math.min(100, parseFloat(bar.getAttribute("data-width")) || 0)) + "%";
  });
})();

(function () {
  "use strict";
  if (typeof window.Chart === "undefined") { return; }
  var Chart = window.Chart;
  var lang = document.documentElement.lang || "vi";
  var pct = new Intl.NumberFormat(lang, { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 });
  var pct0 = new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 0 });
  var num = new Intl.NumberFormat(lang);
  var C = { blue: "#0b4f9c", blueSoft: "rgba(11,79,156,.16)", blueLine: "rgba(11,79,156,.55)", red: "#c8102e",
            amber: "#b26a00", green: "#1e7d3a", grey: "#5b6470", ink: "#1b1f24" };
  var charts = [];

  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.font.size = 12;
  Chart.defaults.color = C.ink;

  function monthLabel(m) { return m.slice(5) + "/" + m.slice(0, 4); }
  function fmt(v) { return v === null || v === undefined ? "—" : pct.format(v); }

  function wrap(text, width) {
    var words = String(text).split(" "), lines = [], line = "";
    words.forEach(function (w) {
      if ((line + " " + w).trim().length > width && line) { lines.push(line); line = w; } else { line = (line + " " + w).trim(); }
    });
    if (line) { lines.push(line); }
    return lines;
  }

  function lowest(values, fallback) {
    var finite = values.filter(function (v) { return typeof v === "number"; });
    if (!finite.length) { return fallback; }
    return Math.max(0, Math.floor((Math.min.apply(null, finite) - 0.03) * 20) / 20);
  }

  function common() {
    return {
      animation: false, responsive: true, maintainAspectRatio: false,
      plugins: { legend: { position: "bottom", labels: { boxWidth: 14, filter: function (item) { return !!item.text; } } } }
    };
  }

  /* A vertical dashed line at the target, across the whole plot area. */
  var targetLine = {
    id: "targetLine",
    afterDatasetsDraw: function (chart, _args, opts) {
      if (opts.value === null || opts.value === undefined) { return; }
      var x = chart.scales.x.getPixelForValue(opts.value), area = chart.chartArea, ctx = chart.ctx;
      ctx.save();
      ctx.strokeStyle = C.red; ctx.lineWidth = 2; ctx.setLineDash([6, 4]);
      ctx.beginPath(); ctx.moveTo(x, area.top); ctx.lineTo(x, area.bottom); ctx.stroke();
      ctx.restore();
    }
  };

  /* Horizontal estimates with their 95% intervals and the target line. */
  /* Characters per axis line: about a third of the chart's width, so a phone's axis keeps room
     for the plot and no label is cut at the canvas' edge. */
  function axisChars(canvas) {
    var width = canvas.parentNode.clientWidth || 600;
    return Math.max(10, Math.min(34, Math.floor(width * 0.36 / 6.4)));
  }

  function intervals(canvas, d) {
    var full = d.full || d.labels;
    var labels = d.labels.map(function (l) { return wrap(l, axisChars(canvas)); });
    var min = lowest(d.low.concat(d.target === null ? [] : [d.target]), 0);
    var datasets = [
      { type: "bar", label: d.text.interval, data: d.low.map(function (lo, i) { return lo === null ? null : [lo, d.high[i]]; }),
        backgroundColor: C.blueSoft, borderColor: C.blueLine, borderWidth: 1, barPercentage: 0.55, order: 3 },
      { type: "line", label: d.text.value, indexAxis: "y", showLine: false, pointRadius: 5, pointStyle: "rectRot",
        backgroundColor: C.blue, borderColor: C.blue, order: 1,
        data: d.value.map(function (v, i) { return v === null ? null : { x: v, y: i }; }).filter(Boolean) }
    ];
    if (d.target !== null && d.target !== undefined) {
      // Legend entry only; the line itself is drawn across the plot by the targetLine plugin.
      datasets.push({ type: "line", label: d.text.target + " " + pct0.format(d.target), data: [], borderColor: C.red,
        borderDash: [6, 4], borderWidth: 2, pointRadius: 0 });
    }
    canvas.parentNode.style.height = Math.max(200, 60 + labels.length * (labels.some(function (l) { return l.length > 1; }) ? 42 : 28)) + "px";
    var options = common();
    options.indexAxis = "y";
    options.scales = {
      x: { min: min, max: 1, ticks: { callback: function (v) { return pct0.format(v); } } },
      y: { type: "category", labels: labels, ticks: { autoSkip: false } }
    };
    options.plugins.tooltip = { callbacks: {
      // The full name (the axis may show a short one): the estimates' dataset skips missing rows,
      // so its row is its y value, not its index.
      title: function (items) {
        if (!items.length) { return ""; }
        var row = items[0].datasetIndex === 0 ? items[0].dataIndex : items[0].parsed.y;
        return full[row] === undefined ? "" : full[row];
      },
      label: function (ctx) {
        var i = ctx.dataIndex;
        if (ctx.datasetIndex === 0) { return d.text.interval + ": " + fmt(d.low[i]) + " – " + fmt(d.high[i]) + " (n = " + d.n[i] + ")"; }
        return ctx.dataset.label + ": " + fmt(ctx.parsed.x);
      }
    } };
    options.plugins.targetLine = { value: d.target };
    return new Chart(canvas, { data: { labels: labels, datasets: datasets }, options: options, plugins: [targetLine] });
  }

  /* Twelve months of overall satisfaction with its interval band, the service index and the target. */
  function trend(canvas, d) {
    var labels = d.months.map(monthLabel);
    var datasets = [
      { label: d.text.interval, data: d.high, borderWidth: 0, pointRadius: 0, backgroundColor: C.blueSoft, fill: "+1", spanGaps: false },
      { label: "", data: d.low, borderWidth: 0, pointRadius: 0, fill: false, spanGaps: false },
      { label: d.text.value, data: d.value, borderColor: C.blue, backgroundColor: C.blue, borderWidth: 2.5, pointRadius: 3, spanGaps: false },
      { label: d.text.index, data: d.index, borderColor: C.grey, backgroundColor: C.grey, borderDash: [4, 3], borderWidth: 1.5, pointRadius: 2, spanGaps: false }
    ];
    if (d.target !== null && d.target !== undefined) {
      datasets.push({ label: d.text.target + " " + pct0.format(d.target), data: labels.map(function () { return d.target; }),
        borderColor: C.red, borderDash: [6, 4], borderWidth: 1.5, pointRadius: 0 });
    }
    // p-chart: 3σ control limits per month around the twelve months' pooled share; a month outside
    // them is drawn as a large red point (the JSON's trend_control, docs/REPORT.md).
    var lcl = d.lcl || [], ucl = d.ucl || [], signal = d.signal || [];
    if (lcl.some(function (v) { return v !== null; })) {
      datasets.push({ label: d.control_text.limits, data: ucl, borderColor: C.amber, borderDash: [2, 3], borderWidth: 1.2,
        pointRadius: 0, stepped: "middle", fill: false, spanGaps: false });
      datasets.push({ label: "", data: lcl, borderColor: C.amber, borderDash: [2, 3], borderWidth: 1.2,
        pointRadius: 0, stepped: "middle", fill: false, spanGaps: false });
      if (signal.some(Boolean)) {
        datasets.push({ label: d.control_text.signal, data: d.value.map(function (v, i) { return signal[i] ? v : null; }),
          showLine: false, pointRadius: 7, pointStyle: "circle", borderColor: C.red, backgroundColor: C.red });
      }
    }
    var options = common();
    options.scales = { y: { min: lowest(d.low.concat(d.index, lcl), 0.5), max: 1, ticks: { callback: function (v) { return pct0.format(v); } } } };
    options.plugins.tooltip = { mode: "index", intersect: false, filter: function (item) { return item.datasetIndex >= 2 && !!item.dataset.label; },
      callbacks: { label: function (ctx) {
        var i = ctx.dataIndex, text = ctx.dataset.label + ": " + fmt(ctx.parsed.y);
        if (ctx.datasetIndex === 2) { text += " [" + fmt(d.low[i]) + " – " + fmt(d.high[i]) + "], n = " + d.n[i]; }
        return text;
      } } };
    return new Chart(canvas, { type: "line", data: { labels: labels, datasets: datasets }, options: options });
  }

  var POSITION_COLOURS = { below_998: C.red, below_95: C.amber, above_998: C.green, above_95: C.green, inside: C.blue };

  /* Points drawn with their unit's (short) name, so the plot reads without hovering (and in
     print); a label that would pass the plot's right edge is drawn on the point's left. */
  var pointLabels = {
    id: "pointLabels",
    afterDatasetsDraw: function (chart) {
      var ctx = chart.ctx, area = chart.chartArea, drawn = [];
      function overlaps(box) {
        return drawn.some(function (b) { return box.x < b.x + b.w && b.x < box.x + box.w && box.y < b.y + b.h && b.y < box.y + box.h; });
      }
      chart.data.datasets.forEach(function (ds, i) {
        if (!ds.pointNames) { return; }
        chart.getDatasetMeta(i).data.forEach(function (el, j) {
          ctx.save();
          ctx.font = "11px " + Chart.defaults.font.family;
          ctx.fillStyle = C.ink;
          var text = ds.pointNames[j], width = ctx.measureText(text).width;
          var right = el.x + 7, left = Math.max(area.left + 2, el.x - 7 - width);
          var sides = right + width > area.right ? [left] : [right, left];
          // Above the point on its right, else its left, else a line lower: the first place
          // that covers no label drawn before.
          var box = null;
          for (var line = 0; line < 4 && !box; line++) {
            for (var s = 0; s < sides.length && !box; s++) {
              var candidate = { x: sides[s], y: el.y - 16 + line * 13, w: width, h: 12 };
              if (!overlaps(candidate)) { box = candidate; }
            }
          }
          box = box || { x: sides[0], y: el.y - 16, w: width, h: 12 };
          drawn.push(box);
          ctx.fillText(text, box.x, box.y + 10);
          ctx.restore();
        });
      });
    }
  };

  /* Funnel plot: sub-units against the 95% and 99.8% limits around the parent's rate. */
  function funnel(canvas, d) {
    var curve = d.curve, levels = d.levels;
    function line(level, side) { return curve.n.map(function (n, i) { return { x: n, y: curve[level][side][i] }; }); }
    var datasets = [
      { label: d.text.center, data: [{ x: curve.n[0], y: d.center }, { x: curve.n[curve.n.length - 1], y: d.center }],
        showLine: true, borderColor: C.grey, borderWidth: 1.5, pointRadius: 0 },
      { label: d.text.limit95, data: line(levels[0], "low"), showLine: true, borderColor: C.amber, borderDash: [5, 4], borderWidth: 1.5, pointRadius: 0 },
      { label: "", data: line(levels[0], "high"), showLine: true, borderColor: C.amber, borderDash: [5, 4], borderWidth: 1.5, pointRadius: 0 },
      { label: d.text.limit998, data: line(levels[1], "low"), showLine: true, borderColor: C.red, borderWidth: 1.5, pointRadius: 0 },
      { label: "", data: line(levels[1], "high"), showLine: true, borderColor: C.red, borderWidth: 1.5, pointRadius: 0 },
      { label: d.text.units, data: d.points.map(function (p) { return { x: p.n, y: p.rate }; }),
        pointNames: d.points.map(function (p) { return p.short || p.name; }),
        pointBackgroundColor: d.points.map(function (p) { return POSITION_COLOURS[p.position] || C.blue; }),
        backgroundColor: C.blue, borderColor: "#fff", borderWidth: 1, pointRadius: 6, pointHoverRadius: 8 }
    ];
    var lows = curve[levels[1]].low.concat(d.points.map(function (p) { return p.rate; }));
    var options = common();
    options.scales = {
      x: { type: "linear", min: 0, title: { display: true, text: d.text.x }, ticks: { callback: function (v) { return num.format(v); } } },
      y: { min: lowest(lows, 0.5), max: 1, title: { display: true, text: d.text.y }, ticks: { callback: function (v) { return pct0.format(v); } } }
    };
    options.plugins.tooltip = { filter: function (item) { return item.datasetIndex === 5; }, callbacks: { label: function (ctx) {
      var p = d.points[ctx.dataIndex];
      return p.name + ": " + fmt(p.rate) + " (n = " + p.n + ")";
    } } };
    return new Chart(canvas, { type: "scatter", data: { datasets: datasets }, options: options, plugins: [pointLabels] });
  }

  var DRAW = { intervals: intervals, trend: trend, funnel: funnel };
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) { return; }
    var payload = JSON.parse(source.textContent);
    var draw = DRAW[payload.kind];
    if (draw) { charts.push(draw(canvas, payload)); canvas.setAttribute("data-drawn", "1"); }
  });

  // Charts redraw at paper width before printing, and back afterwards.
  window.addEventListener("beforeprint", function () { charts.forEach(function (c) { c.resize(); }); });
  window.addEventListener("afterprint", function () { charts.forEach(function (c) { c.resize(); }); });
  document.documentElement.setAttribute("data-charts-ready", String(charts.length));
})();
