/* What the browser check measures in every drawn chart, in the page, in one pass (read by
   tests/test_browser.py and scripts/chart_review.py; it is a function expression that
   page.evaluate() calls):
   - text: the smallest chart text as shown, font size times the drawing's scale (px);
   - contrast: the lowest contrast of a mark or legend symbol against the chart's
     background, WCAG 2.x, where a shape counts its fill or its outline, whichever is
     stronger, after opacity; marks a chart names as backdrops are left out;
   - overlaps: pairs of point marks (or of text labels) of which one covers at least half
     of the other;
   - numbers: the numbers of the title and the text alternative that the chart's drawn
     data (its datasets after Vega's transforms, and its slider values) cannot produce as a
     value, a count, a sum or a ratio of two of those.
   Also the layout the page chose (wide or narrow) and the scale of the drawing.
   options.numbers: false skips the numbers (they do not change with the view). */
(options) => {
  const checkNumbers = !options || options.numbers !== false;
  const MIN_SHARE = 0.5;

  const parse = (css) => {
    if (!css || css === "none" || css === "transparent") return null;
    let m = css.match(/^#([0-9a-f]{3}|[0-9a-f]{6})$/i);
    if (m) {
      const h = m[1].length === 3 ? m[1].split("").map((c) => c + c).join("") : m[1];
      return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)).concat(1);
    }
    m = css.match(/rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?/);
    if (m) return [+m[1], +m[2], +m[3], m[4] === undefined ? 1 : +m[4]];
    return null;
  };
  const probe = document.createElement("span");
  document.body.appendChild(probe);
  const colour = (css) => {  // any CSS colour (named, hex, rgb) as [r, g, b, a]
    const direct = parse(css);
    if (direct || !css || css === "none") return direct;
    probe.style.color = "";
    probe.style.color = css;
    return parse(getComputedStyle(probe).color);
  };
  const lum = (rgb) => {
    const lin = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * lin(rgb[0]) + 0.7152 * lin(rgb[1]) + 0.0722 * lin(rgb[2]);
  };
  const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
  const over = (rgb, alpha, bg) => [0, 1, 2].map((i) => rgb[i] * alpha + bg[i] * (1 - alpha));
  const inherited = (el, stop) => {  // product of the opacities of an element and its groups
    let value = 1;
    for (let node = el; node && node !== stop; node = node.parentElement) {
      const o = node.getAttribute && node.getAttribute("opacity");
      if (o !== null && o !== undefined && o !== "") value *= Number(o);
    }
    return value;
  };
  const scaleOf = (el) => { const m = el.getScreenCTM(); return m ? Math.hypot(m.a, m.b) : 1; };

  // Contrast of one drawn shape against the background: its fill or its outline.
  const shapeContrast = (el, svg, bg) => {
    const style = getComputedStyle(el);
    const opacity = inherited(el, svg) * Number(style.opacity || 1);
    if (opacity <= 0 || style.display === "none" || style.visibility === "hidden") return null;
    const parts = [];
    const fill = colour(el.getAttribute("fill") || style.fill);
    if (fill && el.tagName !== "line") {
      parts.push(ratio(over(fill, fill[3] * opacity * Number(el.getAttribute("fill-opacity") ?? style.fillOpacity ?? 1), bg), bg));
    }
    const stroke = colour(el.getAttribute("stroke") || style.stroke);
    const width = Number(el.getAttribute("stroke-width") ?? (stroke ? 1 : 0)) * scaleOf(el);
    if (stroke && width >= 1) {
      parts.push(ratio(over(stroke, stroke[3] * opacity * Number(el.getAttribute("stroke-opacity") ?? style.strokeOpacity ?? 1), bg), bg));
    }
    return parts.length ? Math.max(...parts) : null;
  };

  // Numbers a title or description states: "9,216", "41%", "$12.55-12.8B", "2.8x".
  // Not the digits of a name ("H100", "A1-14", "v5e", "FY2025").
  const statedNumbers = (text) => {
    const found = [];
    const re = /\$?(\d[\d,]*(?:\.\d+)?)(%?)/g;
    let m, previousSkipped = false, previousEnd = -2;
    while ((m = re.exec(text))) {
      const before = text[m.index - 1] || " ";
      const after = text[m.index + m[0].length] || " ";
      const chained = (before === "-" || before === "\u2013") && previousEnd === m.index - 1;
      const skip = /[A-Za-z_]/.test(before) || (chained && previousSkipped)
        || (/[A-Za-z]/.test(after) && !/^(x|B|M|k|GW|W|s|bn|px)\b/.test(text.slice(m.index + m[0].length)))
        || m[1].replace(/,/g, "").length === 0;
      previousSkipped = skip;
      previousEnd = m.index + m[0].length;
      if (skip) continue;
      const digits = m[1].replace(/,$/, "");
      const decimals = digits.includes(".") ? digits.split(".")[1].length : 0;
      found.push({text: m[0], value: Number(digits.replace(/,/g, "")), decimals: decimals, percent: m[2] === "%"});
    }
    return found;
  };

  // What a chart's drawn data can say, read from the view after Vega's transforms:
  // - values: every number in its rows, the year, month and day of every date, every number
  //   written in its text, its slider values;
  // - aggregates: row counts, distinct values, and counts and sums of every numeric field
  //   per value of one or two of its text fields;
  // - ratios, only of like with like: two values of one field (a multiple: "2.8x"), two
  //   fields of one row, and a group's count or sum over the group or table it belongs to
  //   (a share: "41%").
  const candidates = (view) => {
    const values = new Set(), aggregates = new Set(), ratios = new Set();
    const addDate = (d) => { if (!isNaN(d)) { values.add(d.getFullYear()); values.add(d.getDate()); values.add(d.getMonth() + 1); } };
    const addText = (s) => {
      const iso = s.match(/^(\d{4})-(\d{2})-(\d{2})/);
      if (iso) { iso.slice(1).forEach((n) => values.add(Number(n))); return; }
      (s.match(/\d[\d,]*(?:\.\d+)?/g) || []).forEach((n) => values.add(Number(n.replace(/,/g, ""))));
    };
    let state = {};
    try {
      state = view.getState({signals: (name) => !/^(width|height|padding|autosize|cursor|background)$/.test(name),
                             data: () => true, recurse: true});
    } catch (error) { return {values, aggregates, ratios}; }
    const tables = [];
    const walk = (node) => {
      if (!node) return;
      Object.values(node.signals || {}).forEach((v) => { if (typeof v === "number") values.add(v); });
      Object.values(node.data || {}).forEach((d) => {
        const rows = Array.isArray(d) ? d : Object.values(d || {});
        // Scene-graph items (the drawn marks) carry `mark`; only data rows count.
        if (rows.length && rows[0] && typeof rows[0] === "object" && !("mark" in rows[0])) tables.push(rows);
      });
      (Array.isArray(node.subcontext) ? node.subcontext : Object.values(node.subcontext || {})).forEach(walk);
    };
    walk(state);
    tables.forEach((rows) => {
      const numeric = new Set(), text = new Set();
      rows.forEach((row) => Object.keys(row).forEach((key) => {
        const v = row[key];
        if (typeof v === "number" && isFinite(v)) {
          numeric.add(key); values.add(v);
          if (v > 1e11 && v < 4e12) addDate(new Date(v));  // a time stamp
        } else if (v instanceof Date) { addDate(v); }
        else if (typeof v === "string") { text.add(key); addText(v); }
        else if (typeof v === "boolean") { text.add(key); }
      }));
      const fields = [...numeric];
      rows.forEach((row) => {  // two fields of one row
        for (const a of fields) for (const b of fields) {
          if (a !== b && typeof row[a] === "number" && typeof row[b] === "number" && row[b]) ratios.add(row[a] / row[b]);
        }
      });
      fields.forEach((f) => {  // two values of one field
        const seen = [...new Set(rows.map((r) => r[f]).filter((v) => typeof v === "number" && v))].slice(0, 200);
        for (const a of seen) for (const b of seen) if (a !== b) ratios.add(a / b);
      });
      // Totals per group: key "" is the whole table; each measure is a row count or a field's sum.
      const measures = ["#rows", ...fields];
      const total = (members, m) => m === "#rows" ? members.length
        : members.reduce((t, r) => t + (typeof r[m] === "number" && isFinite(r[m]) ? r[m] : 0), 0);
      const keys = [...text].filter((k) => new Set(rows.map((r) => String(r[k]))).size <= 40);
      const groupsOf = (members, key) => {
        const out = {};
        members.forEach((r) => { (out[String(r[key])] = out[String(r[key])] || []).push(r); });
        return Object.values(out);
      };
      measures.forEach((m) => aggregates.add(total(rows, m)));
      text.forEach((k) => aggregates.add(new Set(rows.map((r) => r[k])).size));
      keys.forEach((k1) => groupsOf(rows, k1).forEach((outer) => {
        text.forEach((k) => aggregates.add(new Set(outer.map((r) => r[k])).size));  // distinct per group
        measures.forEach((m) => {
          const whole = total(outer, m);
          aggregates.add(whole);
          if (total(rows, m)) ratios.add(whole / total(rows, m));
          keys.filter((k2) => k2 !== k1).forEach((k2) => groupsOf(outer, k2).forEach((inner) => {
            const part = total(inner, m);
            aggregates.add(part);
            if (whole) ratios.add(part / whole);
          }));
        });
      }));
    });
    return {values, aggregates, ratios};
  };

  const matches = (n, c) => {
    const tolerance = 0.5 * Math.pow(10, -n.decimals) + 1e-9;
    return Math.abs(c - n.value) <= tolerance || (n.percent && Math.abs(100 * c - n.value) <= tolerance)
      || (n.decimals === 0 && n.value >= 1000 && Math.abs(c - n.value) / n.value < 0.005);
  };
  const derivable = (n, pool) => [pool.values, pool.aggregates, pool.ratios].some(
    (set) => { for (const c of set) { if (matches(n, c)) return true; } return false; });

  const bgOf = (svg, figure) => colour(getComputedStyle(svg).backgroundColor) && colour(getComputedStyle(svg).backgroundColor)[3] > 0
    ? colour(getComputedStyle(svg).backgroundColor)
    : colour(getComputedStyle(document.body).backgroundColor) || [255, 255, 255, 1];

  // Pairs of elements of which one covers at least `share` of the other; the first pair
  // found is named by its marks' aria labels (Vega writes each datum there).
  const covered = (items, share, out) => {
    const list = items.map((el) => ({el, r: el.getBoundingClientRect()})).filter((b) => b.r.width > 0 && b.r.height > 0);
    let n = 0;
    for (let i = 0; i < list.length; i += 1) {
      for (let j = i + 1; j < list.length; j += 1) {
        const a = list[i].r, b = list[j].r;
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w > 0 && h > 0 && w * h >= share * Math.min(a.width * a.height, b.width * b.height)) {
          n += 1;
          if (!out.overlapping) {
            const name = (el) => (el.getAttribute("aria-label") || el.textContent || "").slice(0, 60);
            out.overlapping = `${name(list[i].el)} | ${name(list[j].el)}`;
          }
        }
      }
    }
    return n;
  };

  const result = [...document.querySelectorAll("figure.chipbook-chart")].map((figure, index) => {
    const canvas = figure.querySelector(".chipbook-chart-canvas");
    const svg = figure.querySelector("svg.marks");
    const words = [...figure.querySelectorAll(".chipbook-chart-text p")].map((p) => p.textContent);
    const title = words[0] || "";
    const description = (figure.getAttribute("aria-label") || "").replace(/ Currently: .*$/, "");
    const out = {index, title: title.slice(0, 90), layout: canvas.dataset.chartLayout || "wide",
                 scale: Number(canvas.dataset.chartScaled || 1), text: null, smallest: "", contrast: null, weakest: "",
                 overlaps: 0, overlapping: "", unexplained: checkNumbers ? [] : null, overflow: Boolean(canvas.dataset.chartOverflow)};
    if (!svg) return out;
    const bg = bgOf(svg, figure);
    svg.querySelectorAll("text").forEach((t) => {
      if (!t.textContent.trim() || getComputedStyle(t).display === "none" || inherited(t, svg) <= 0) return;
      const shown = parseFloat(getComputedStyle(t).fontSize) * scaleOf(t);
      if (out.text === null || shown < out.text) { out.text = Math.round(shown * 100) / 100; out.smallest = t.textContent.slice(0, 40); }
    });
    const shapes = [...svg.querySelectorAll("g.role-mark:not(.mark-text):not(.mark-group) > *, g.role-legend-symbol path")]
      .filter((el) => !el.closest("[class*='backdrop']"));
    shapes.forEach((el) => {
      const c = shapeContrast(el, svg, bg);
      if (c !== null && (out.contrast === null || c < out.contrast)) {
        out.contrast = Math.round(c * 100) / 100;
        const group = el.closest("g[class]");
        out.weakest = `${group ? group.getAttribute("class").split(" ").slice(-1)[0] : el.tagName} ${el.getAttribute("fill") || ""}/${el.getAttribute("stroke") || ""}`;
      }
    });
    const visible = (el) => inherited(el, svg) > 0 && !el.closest("[class*='backdrop']");
    const points = [...svg.querySelectorAll("g.role-mark.mark-symbol > path")].filter(visible);
    const labels = [...svg.querySelectorAll("g.role-mark.mark-text > text")].filter((t) => visible(t) && t.textContent.trim());
    out.overlaps = covered(points, MIN_SHARE, out) + covered(labels, 0.2, out);
    const view = canvas.chipbookView;
    if (view && checkNumbers) {
      const pool = candidates(view);
      out.unexplained = [title, description].flatMap(statedNumbers).filter((n) => !derivable(n, pool)).map((n) => n.text);
    }
    return out;
  });
  probe.remove();
  return result;
}
