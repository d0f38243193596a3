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
   - collisions: pairs of texts that touch or overlap (mark labels, axis tick labels and
     titles, legends, the chart's title alike), each box taken 1 px wider at each end and a
     fifth less tall than its font box, so that two labels run together ("100,0001,000,000")
     count and two rows of text that merely stack do not;
   - crossings: a text drawn over a point, bar, rule or line that it does not label (it
     labels a mark when its anchor lies on that mark, as a label beside its point or at its
     bar's end does), found by sampling the text's box against the mark's own fill and stroke;
   - clipped: texts and points that reach past the chart's drawing or the plot that clips
     them, and texts cut short with an ellipsis (a label limit);
   - misplaced: points drawn nearer another row's (or column's) label than their own, on an
     axis of categories: an offset that spills into the next row.
   Each of these four is a list of words naming the texts or marks, at most MAX_NAMED.
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

  // --- Where text and marks collide, what is cut off, what leaves its row ------------
  const MAX_NAMED = 8;
  const words = (text) => JSON.stringify(String(text).replace(/\s+/g, " ").trim().slice(0, 50));
  const itemOf = (el) => el.__data__ || null;  // Vega's SVG renderer binds each element to its scene item
  const screenPoint = (matrix, x, y) => ({x: matrix.a * x + matrix.c * y + matrix.e, y: matrix.b * x + matrix.d * y + matrix.f});
  // A text's box on screen as four corners: its font box, `grow` px longer at each end and
  // `shrink` of its height less at top and bottom, through its transform (it may be rotated).
  const textQuad = (el, grow, shrink) => {
    const b = el.getBBox(), m = el.getScreenCTM();
    if (!m || !b.width || !b.height) return null;
    const x0 = b.x - grow, x1 = b.x + b.width + grow, y0 = b.y + b.height * shrink, y1 = b.y + b.height * (1 - shrink);
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1]].map(([x, y]) => screenPoint(m, x, y));
  };
  const bounds = (quad) => ({left: Math.min(...quad.map((p) => p.x)), right: Math.max(...quad.map((p) => p.x)),
                             top: Math.min(...quad.map((p) => p.y)), bottom: Math.max(...quad.map((p) => p.y))});
  // Two convex quadrilaterals overlap when no edge's normal separates them.
  const quadsOverlap = (a, b) => {
    for (const quad of [a, b]) {
      for (let i = 0; i < 4; i += 1) {
        const p = quad[i], q = quad[(i + 1) % 4], nx = q.y - p.y, ny = p.x - q.x;
        const project = (poly) => poly.map((r) => r.x * nx + r.y * ny);
        const pa = project(a), pb = project(b);
        if (Math.max(...pa) <= Math.min(...pb) || Math.max(...pb) <= Math.min(...pa)) return false;
      }
    }
    return true;
  };
  // Points every 2 px along a rule (<line>) or a line's path, in its own coordinates.
  const alongLine = (el) => {
    if (el.tagName === "line") {
      const [x1, y1, x2, y2] = ["x1", "y1", "x2", "y2"].map((a) => Number(el.getAttribute(a) || 0));
      const n = Math.max(1, Math.ceil(Math.hypot(x2 - x1, y2 - y1) / 2));
      return Array.from({length: n + 1}, (_, i) => ({x: x1 + (x2 - x1) * i / n, y: y1 + (y2 - y1) * i / n}));
    }
    const length = el.getTotalLength ? el.getTotalLength() : 0;
    const n = Math.min(2000, Math.ceil(length / 2));
    return Array.from({length: n + 1}, (_, i) => el.getPointAtLength(length * i / Math.max(1, n)));
  };
  // Whether a point lies inside a convex quadrilateral (corners in order).
  const insideQuad = (p, quad) => {
    let sign = 0;
    for (let i = 0; i < 4; i += 1) {
      const a = quad[i], b = quad[(i + 1) % 4];
      const cross = (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x);
      if (cross !== 0) { if (sign && Math.sign(cross) !== sign) return false; sign = Math.sign(cross); }
    }
    return true;
  };
  const shown = (el, svg) => inherited(el, svg) > 0 && getComputedStyle(el).display !== "none"
    && getComputedStyle(el).visibility !== "hidden";
  // The rectangle a clip path keeps, on screen, for an element under a clipped group.
  const clipRect = (el, svg) => {
    for (let node = el.parentElement; node && node !== svg; node = node.parentElement) {
      const ref = node.getAttribute("clip-path");
      const id = ref && ref.match(/url\(["']?#([^"')]+)/);
      const shape = id && svg.ownerDocument.getElementById(id[1]);
      const inner = shape && shape.firstElementChild;
      if (inner && inner.getBBox) {
        const b = inner.getBBox(), m = node.getScreenCTM();
        const corners = [[b.x, b.y], [b.x + b.width, b.y + b.height]].map(([x, y]) => screenPoint(m, x, y));
        return {left: corners[0].x, top: corners[0].y, right: corners[1].x, bottom: corners[1].y};
      }
    }
    return null;
  };
  const kind = (el) => {
    const item = itemOf(el), role = item && item.mark ? item.mark.role : "";
    return {"axis-label": "tick label", "axis-title": "axis title", "legend-label": "legend label",
            "legend-title": "legend title", "title-text": "title", "title-subtitle": "subtitle"}[role] || (role.indexOf("header") >= 0 ? "header" : "label");
  };
  const named = (el) => `${kind(el)} ${words(el.textContent)}`;
  const markName = (el) => {
    const group = el.closest("g[class*='mark-']");
    const type = group ? (group.getAttribute("class").match(/mark-(\w+)/) || [])[1] : el.tagName;
    return `${type === "symbol" ? "point" : type === "rect" ? "bar" : type} ${words(el.getAttribute("aria-label") || "")}`;
  };

  const textProblems = (svg) => {
    const frame = svg.getBoundingClientRect();
    const texts = [...svg.querySelectorAll("text")].filter((t) => t.textContent.trim() && shown(t, svg));
    const collisions = [], crossings = [], clipped = [], truncated = [];
    // Text against text.
    const boxes = texts.map((t) => ({el: t, quad: textQuad(t, 1, 0.2)})).filter((b) => b.quad);
    boxes.forEach((b) => { b.aabb = bounds(b.quad); });
    for (let i = 0; i < boxes.length; i += 1) {
      for (let j = i + 1; j < boxes.length; j += 1) {
        const a = boxes[i], b = boxes[j];
        if (a.aabb.right <= b.aabb.left || b.aabb.right <= a.aabb.left || a.aabb.bottom <= b.aabb.top || b.aabb.bottom <= a.aabb.top) continue;
        if (quadsOverlap(a.quad, b.quad)) collisions.push(`${named(a.el)} touches ${named(b.el)}`);
      }
    }
    // Text against the marks it does not label: points, bars, rules and lines.
    const marks = [...svg.querySelectorAll("g.role-mark.mark-symbol > path, g.role-mark.mark-rect > path, "
      + "g.role-mark.mark-rect > rect, g.role-mark.mark-rule > line, g.role-mark.mark-rule > path, g.role-mark.mark-line > path")]
      .filter((el) => shown(el, svg) && !el.closest("[class*='backdrop']"))
      .map((el) => ({el, box: el.getBoundingClientRect(), line: Boolean(el.closest(".mark-rule, .mark-line"))}));
    texts.forEach((t) => {
      const quad = textQuad(t, 0, 0.25);
      if (!quad) return;
      const box = bounds(quad), item = itemOf(t);
      const parent = t.parentElement && t.parentElement.getScreenCTM();
      // Where the text is anchored (before its dx, dy): the spot it labels.
      const anchor = item && parent && typeof item.x === "number" ? screenPoint(parent, item.x, item.y || 0) : null;
      const samples = [];
      for (let u = 0.05; u < 1; u += 0.1) for (const v of [0.2, 0.5, 0.8]) {
        const top = {x: quad[0].x + (quad[1].x - quad[0].x) * u, y: quad[0].y + (quad[1].y - quad[0].y) * u};
        const bottom = {x: quad[3].x + (quad[2].x - quad[3].x) * u, y: quad[3].y + (quad[2].y - quad[3].y) * u};
        samples.push({x: top.x + (bottom.x - top.x) * v, y: top.y + (bottom.y - top.y) * v});
      }
      marks.forEach((m) => {
        const r = m.box;
        if (r.right < box.left || r.left > box.right || r.bottom < box.top || r.top > box.bottom) return;
        if (anchor && anchor.x >= r.left - 3 && anchor.x <= r.right + 3 && anchor.y >= r.top - 3 && anchor.y <= r.bottom + 3) return;
        const matrix = m.el.getScreenCTM();
        if (!matrix) return;
        let hits = 0;
        if (m.line) {  // a rule or line: points along it, every 2 px, inside the text's box
          hits = alongLine(m.el).map((p) => screenPoint(matrix, p.x, p.y)).filter((p) => insideQuad(p, quad)).length;
        } else if (Math.max(0, Math.min(r.right, box.right) - Math.max(r.left, box.left))
                   * Math.max(0, Math.min(r.bottom, box.bottom) - Math.max(r.top, box.top)) >= 0.25 * r.width * r.height) {
          hits = 2;  // a small or thin mark (a point, a tick) a quarter or more under the text
        } else {  // a larger mark (a bar): points of the text's box inside the mark's shape
          const inverse = matrix.inverse();
          const style = getComputedStyle(m.el);
          const filled = style.fill !== "none" && Number(style.fillOpacity || 1) > 0;
          const stroked = style.stroke !== "none" && parseFloat(style.strokeWidth || "0") > 0;
          hits = samples.filter((p) => {
            const local = screenPoint(inverse, p.x, p.y);
            const point = new DOMPoint(local.x, local.y);
            return (filled && m.el.isPointInFill(point)) || (stroked && m.el.isPointInStroke(point));
          }).length;
        }
        if (hits >= 2) crossings.push(`${named(t)} is drawn over ${markName(m.el)}`);
      });
      // Cut off by the drawing's edge or by a clipped plot.
      const outer = bounds(textQuad(t, 0, 0.2) || quad);
      const edges = [frame, clipRect(t, svg)].filter(Boolean);
      if (edges.some((e) => outer.left < e.left - 1 || outer.right > e.right + 1 || outer.top < e.top - 1 || outer.bottom > e.bottom + 1)) {
        clipped.push(`${named(t)} reaches past the ${edges.length > 1 ? "plot or chart" : "chart"}'s edge`);
      }
      // Cut short by a label limit: Vega ends such a text with an ellipsis.
      const full = item && item.text !== undefined ? [].concat(item.text).join(" ") : "";
      if (t.textContent.includes("\u2026") && !full.includes("\u2026")) truncated.push(`${named(t)} is cut short of ${words(full)}`);
    });
    // Points cut off by the drawing's edge or by a clipped plot.
    [...svg.querySelectorAll("g.role-mark.mark-symbol > path")].filter((el) => shown(el, svg)).forEach((el) => {
      const r = el.getBoundingClientRect();
      const edges = [frame, clipRect(el, svg)].filter(Boolean);
      if (r.width && edges.some((e) => r.left < e.left - 1 || r.right > e.right + 1 || r.top < e.top - 1 || r.bottom > e.bottom + 1)) {
        clipped.push(`${markName(el)} reaches past the chart's edge`);
      }
    });
    return {collisions, crossings, clipped: clipped.concat(truncated)};
  };

  // Points drawn in another row (or column) than their own, on an axis of categories: a
  // point's own row is the axis label that one of its data's text values reads.
  const misplacedMarks = (svg) => {
    const found = [];
    const squash = (text) => String(text).replace(/\s+/g, "");
    const cells = new Map();  // the innermost group holding an axis, for each point
    [...svg.querySelectorAll("g.role-mark.mark-symbol > path")].filter((el) => shown(el, svg)).forEach((el) => {
      const item = itemOf(el);
      if (!item || !item.datum) return;
      // The plot the point belongs to: the nearest group whose own axes sit beside its marks.
      let cell = null;
      for (let node = el.parentElement; node && node !== svg; node = node.parentElement) {
        if (node.querySelector(":scope > g.role-axis")) { cell = node; break; }
      }
      if (!cell) return;
      if (!cells.has(cell)) {
        const axes = [...cell.querySelectorAll(":scope > g.role-axis")].map((axis) => {
          const labels = [...axis.querySelectorAll("g.role-axis-label text")].filter((t) => shown(t, svg) && t.textContent.trim())
            .map((t) => {
              // Where the label's tick is: its anchor (a rotated label's box centre lies off the tick).
              const item = itemOf(t), m = t.parentElement && t.parentElement.getScreenCTM(), r = t.getBoundingClientRect();
              const at = item && m && typeof item.x === "number" ? screenPoint(m, item.x, item.y || 0)
                : {x: (r.left + r.right) / 2, y: (r.top + r.bottom) / 2};
              return {text: squash(t.textContent), x: at.x, y: at.y};
            });
          // Only an axis of categories: two labels or more, not all of them numbers.
          if (labels.length < 2 || labels.every((l) => /^[-\u2212$\d.,%~kMGBx]*$/.test(l.text))) return null;
          const spreadX = Math.max(...labels.map((l) => l.x)) - Math.min(...labels.map((l) => l.x));
          const spreadY = Math.max(...labels.map((l) => l.y)) - Math.min(...labels.map((l) => l.y));
          return {labels, along: spreadY > spreadX ? "y" : "x"};
        }).filter(Boolean);
        cells.set(cell, axes);
      }
      const r = el.getBoundingClientRect(), centre = {x: (r.left + r.right) / 2, y: (r.top + r.bottom) / 2};
      const values = new Set(Object.values(item.datum).filter((v) => typeof v === "string").map(squash));
      cells.get(cell).forEach(({labels, along}) => {
        const own = labels.filter((l) => values.has(l.text));
        if (own.length !== 1) return;
        const distance = (l) => Math.abs(l[along] - centre[along]);
        const nearest = labels.reduce((best, l) => (distance(l) < distance(best) ? l : best), labels[0]);
        if (nearest !== own[0] && distance(nearest) + 0.5 < distance(own[0])) {
          found.push(`${markName(el)} is drawn in the ${along === "y" ? "row" : "column"} of ${words(nearest.text)}, not of ${words(own[0].text)}`);
        }
      });
    });
    return found;
  };

  const result = [...document.querySelectorAll("figure.chipbook-chart")].map((figure, index) => {
    const canvas = figure.querySelector(".chipbook-chart-canvas");
    const svg = figure.querySelector("svg.marks");
    const words = [...figure.querySelectorAll(".chipbook-chart-text p")].map((p) => p.textContent);
    const title = words[0] || "";
    const description = (figure.getAttribute("aria-label") || "").replace(/ Currently: .*$/, "");
    const out = {index, title: title.slice(0, 90), layout: canvas.dataset.chartLayout || "wide",
                 scale: Number(canvas.dataset.chartScaled || 1), text: null, smallest: "", contrast: null, weakest: "",
                 overlaps: 0, overlapping: "", collisions: 0, collided: [], clipped: 0, cut: [], misplaced: 0, strays: [],
                 unexplained: checkNumbers ? [] : null, overflow: Boolean(canvas.dataset.chartOverflow)};
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
    const problems = textProblems(svg);
    const misplaced = misplacedMarks(svg);
    Object.assign(out, {collisions: problems.collisions.length + problems.crossings.length,
                        collided: problems.collisions.concat(problems.crossings).slice(0, MAX_NAMED),
                        clipped: problems.clipped.length, cut: problems.clipped.slice(0, MAX_NAMED),
                        misplaced: misplaced.length, strays: misplaced.slice(0, MAX_NAMED)});
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
