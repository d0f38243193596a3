/* The book's own script. No network, no globals but chipbookDraw.
   1. Draws each chart as the reader nears it (fetching the vega bundle for the first one),
      one chart per task, in the page's colours (light or
      dark, read from pydata-sphinx-theme's CSS variables), and draws it again when the
      reader switches the theme or the system preference changes.
   2. Fits each chart to its column: a chart with a narrow layout (charts.finish(narrow=))
      draws it in a column under its breakpoint and draws it again when the column crosses
      it; long titles are rewrapped for the width; a chart still wider than its column has
      its plot narrowed (the width or step signals), then, as a last resort, is scaled down
      as a picture, never so far that its smallest text shows under 10 px: beyond that it
      scrolls sideways inside its own frame (and the browser check fails it).
   3. Keeps each chart's text alternative true: moving a slider appends its value, and a
      chart that states its finding in a signal has its title and text follow it.
   4. Names controls that have no name (the export menu, the code toggles) and makes
      wide tables reachable by keyboard, with a visible cue that they scroll.
   5. Filters tables that carry data-filter controls.
   6. For a phone: opens a chart's tooltip on a tap and keeps it inside the screen; marks a
      chart with many controls (chipbook.css keeps them in view beside it); a page opened
      from the search results scrolls to the first match. */
(function () {
  "use strict";

  var charts = [];
  // Very dark greys typed into chart cells as a mark's colour (a rule, a band, a note); on a
  // dark page they become the muted text colour.
  var DARK_INKS = ["#000", "#000000", "black", "#111", "#111111", "#222", "#333", "#444", "#444444", "#555", "#666"];
  // White typed as a mark's colour means the page (charts.PAPER): the hollow of an open
  // marker, the gap between tiles. On a dark page it becomes the background.
  var PAPERS = ["#fff", "#ffffff", "white"];
  // Chart text is never shown smaller than this (CSS px), so a chart is scaled down only so far.
  var MIN_TEXT_PX = 10;

  function cssVar(style, name, fallback) {
    var value = style.getPropertyValue(name).trim();
    return value || fallback;
  }

  function pageColours() {
    var style = getComputedStyle(document.documentElement);
    return {
      dark: document.documentElement.dataset.theme === "dark",
      background: cssVar(style, "--pst-color-background", "#ffffff"),
      text: cssVar(style, "--pst-color-text-base", "#222832"),
      muted: cssVar(style, "--pst-color-text-muted", "#48566b"),
      grid: cssVar(style, "--pst-color-border", "#d1d5da")
    };
  }

  function setIn(object, path, value) {
    var node = object;
    for (var i = 0; i < path.length - 1; i += 1) {
      if (typeof node[path[i]] !== "object" || node[path[i]] === null) { node[path[i]] = {}; }
      node = node[path[i]];
    }
    node[path[path.length - 1]] = value;
  }

  function recolourInks(node, muted, paper) {
    if (Array.isArray(node)) { node.forEach(function (item) { recolourInks(item, muted, paper); }); return; }
    if (!node || typeof node !== "object") { return; }
    Object.keys(node).forEach(function (key) {
      var value = node[key];
      var ink = typeof value === "string" ? value.toLowerCase() : null;
      if ((key === "color" || key === "fill" || key === "stroke") && ink && DARK_INKS.indexOf(ink) >= 0) {
        node[key] = muted;
      } else if ((key === "fill" || key === "stroke") && ink && PAPERS.indexOf(ink) >= 0) {
        node[key] = paper;
      } else if (key === "range" && Array.isArray(value)) {
        // A scale of fills or strokes may hold white (the hollow of an open marker).
        node[key] = value.map(function (item) {
          return typeof item === "string" && PAPERS.indexOf(item.toLowerCase()) >= 0 ? paper : item;
        });
      } else if (key !== "data" && key !== "datasets" && key !== "encoding" && key !== "usermeta") {
        // Encodings are left alone: a colour there is usually a label's ink on a coloured tile.
        recolourInks(value, muted, paper);
      }
    });
  }

  // Lines of at most `maxPx` pixels in the given CSS font, measured (a character count
  // would misjudge bold titles and wide letters).
  var measurer = null;
  function wrapToWidth(text, maxPx, font) {
    measurer = measurer || document.createElement("canvas").getContext("2d");
    measurer.font = font;
    var words = (Array.isArray(text) ? text.join(" ") : String(text)).split(/\s+/);
    var lines = [], line = "";
    words.forEach(function (word) {
      var next = line ? line + " " + word : word;
      if (line && measurer.measureText(next).width > maxPx) { lines.push(line); line = word; }
      else { line = next; }
    });
    if (line) { lines.push(line); }
    return lines;
  }

  function wrap(text, limit) {
    var words = (Array.isArray(text) ? text.join(" ") : String(text)).split(/\s+/);
    var lines = [], line = "";
    words.forEach(function (word) {
      if (line && (line + " " + word).length > limit) { lines.push(line); line = word; }
      else { line = line ? line + " " + word : word; }
    });
    if (line) { lines.push(line); }
    return lines;
  }

  // For a narrow column: x axis titles and the titles of concatenated panels as lines of
  // at most `limit` characters (Vega draws an array of strings as lines), and legends
  // under the plot instead of beside it.
  function narrowParts(node, limit, inPanel, width) {
    if (Array.isArray(node)) { node.forEach(function (item) { narrowParts(item, limit, inPanel, width); }); return; }
    // Under 300 px a legend is one list; legends start at the plot's left edge, after the y axis.
    var maxColumns = width < 300 ? 1 : Math.max(1, Math.floor(width / 120)), labelRoom = Math.max(80, width - 90);
    if (!node || typeof node !== "object") { return; }
    if (inPanel && typeof node.title === "string" && node.title.length > limit) { node.title = wrap(node.title, limit); }
    if (inPanel && node.title && typeof node.title.text === "string" && node.title.text.length > limit) {
      node.title.text = wrap(node.title.text, limit);
    }
    Object.keys(node).forEach(function (key) {
      var value = node[key];
      if (key === "legend" && value && typeof value === "object") {
        // Under the plot, in as many columns as the column holds, labels no wider than it.
        if (value.orient === "right" || value.orient === "left") { value.orient = "bottom"; }
        if (value.columns > maxColumns) { value.columns = maxColumns; }
        if (!value.labelLimit || value.labelLimit > labelRoom) { value.labelLimit = labelRoom; }
      } else if (key === "encoding" && value && typeof value === "object") {
        ["x", "x2"].forEach(function (channel) {
          var def = value[channel];
          if (!def || typeof def !== "object") { return; }
          if (typeof def.title === "string" && def.title.length > limit) { def.title = wrap(def.title, limit); }
          if (def.axis && typeof def.axis.title === "string" && def.axis.title.length > limit) {
            def.axis.title = wrap(def.axis.title, limit);
          }
        });
        narrowParts(value, limit, false, width);
      } else if (key !== "data" && key !== "datasets") {
        narrowParts(value, limit, ["vconcat", "hconcat", "concat"].indexOf(key) >= 0, width);
      }
    });
  }

  // The spec as this page shows it: the page's colours, titles wrapped to the column.
  function prepare(spec, width) {
    var shown = JSON.parse(JSON.stringify(spec));
    var colours = pageColours();
    var config = shown.config || (shown.config = {});
    setIn(config, ["background"], colours.background);
    setIn(config, ["title", "color"], colours.text);
    setIn(config, ["title", "subtitleColor"], colours.muted);
    ["axis", "legend", "header"].forEach(function (part) {
      setIn(config, [part, "labelColor"], colours.text);
      setIn(config, [part, "titleColor"], colours.text);
    });
    setIn(config, ["axis", "gridColor"], colours.grid);
    setIn(config, ["axis", "domainColor"], colours.muted);
    setIn(config, ["axis", "tickColor"], colours.muted);
    setIn(config, ["text", "color"], colours.text);
    // Shape and dash legends draw their symbols in the text colour: visible on either page.
    setIn(config, ["legend", "symbolBaseFillColor"], colours.text);
    setIn(config, ["legend", "symbolBaseStrokeColor"], colours.text);
    if (colours.dark) {
      setIn(config, ["rule", "color"], colours.muted);
      recolourInks(shown.layer || [], colours.muted, colours.background);
      ["mark", "encoding", "vconcat", "hconcat", "concat", "spec"].forEach(function (key) {
        if (shown[key]) { recolourInks(shown[key], colours.muted, colours.background); }
      });
    }
    var live = (shown.usermeta && shown.usermeta.chipbook) || {};
    if (shown.title && shown.title.text && width) {
      // Lines no wider than the column (and no longer than a comfortable line on a wide one).
      var family = config.font || "sans-serif";
      var title = config.title || {};
      if (live.title_signal) {
        // A title that follows the reader's settings is a signal of the chart's own
        // (usermeta.chipbook.title_signal): drawn from it, wrapped in the page at about
        // 10 px a character of the bold 16 px title (its widest lines measure that).
        var titleLimit = Math.min(64, Math.max(20, Math.floor((width - 20) / 10)));
        shown.title.text = {expr: "chipbookWrap(" + live.title_signal + ", " + titleLimit + ")"};
      } else {
        // The drawing adds Vega's padding (5 px) on each side of the title's lines.
        shown.title.text = wrapToWidth(shown.title.text, Math.min(width - 20, 600),
                                       "bold " + (title.fontSize || 16) + "px " + family);
      }
      if (shown.title.subtitle) {
        shown.title.subtitle = wrapToWidth(shown.title.subtitle, Math.min(width - 20, 640),
                                           (title.subtitleFontSize || 12) + "px " + family);
      }
    }
    if (width && width < 600) {
      // Axis titles are bold 12 px, about 7.5 px a character.
      narrowParts(shown, Math.max(20, Math.floor(width * 0.75 / 7.5)), false, width);
      // Titles start at the chart's left edge, not the plot's (after the y axis labels).
      setIn(config, ["title", "frame"], "bounds");
      setIn(config, ["axis", "labelLimit"], Math.round(width * 0.4));
      setIn(config, ["legend", "labelLimit"], Math.round(width * 0.4));
      // A row of legend entries wraps into columns that fit, and legends under the plot
      // stand one above the other rather than side by side.
      setIn(config, ["legend", "columns"], Math.max(1, Math.floor(width / 150)));
      setIn(config, ["legend", "layout"], {bottom: {direction: "vertical", anchor: "start"}});
    }
    return shown;
  }

  // Expression functions the book's specs may call, given to vega-embed with every chart:
  // chipbookWrap(text, limit) wraps a title drawn from a signal to the column.
  var EXPRESSION_FUNCTIONS = {chipbookWrap: function (text, limit) { return wrap(text, limit); }};

  function svgWidth(target) {
    var svg = target.querySelector("svg");
    return svg ? Number(svg.getAttribute("width")) || svg.getBoundingClientRect().width : 0;
  }

  // Narrows the plot of a chart wider than `room`: each width signal loses the excess,
  // each x step shrinks in proportion. Resolves when the view has run again.
  function narrow(view, excess, room) {
    var least = Math.max(60, Math.round(room * 0.35));
    var signals = view.getState({signals: function () { return true; }, data: function () { return false; },
                                 recurse: false}).signals || {};
    var changed = false;
    Object.keys(signals).forEach(function (name) {
      var value = signals[name];
      if (typeof value !== "number") { return; }
      if (/(^|_)x_step$/.test(name)) {
        var plot = signals[name.replace(/x_step$/, "width")];
        if (typeof plot === "number" && plot > least) {
          view.signal(name, value * Math.max(least, plot - excess) / plot); changed = true;
        }
      } else if (/(^|_)width$/.test(name) && !signals[name.replace(/width$/, "x_step")] && value > least) {
        try { view.signal(name, Math.max(least, value - excess)); changed = true; } catch (error) { /* computed signal */ }
      }
    });
    return changed ? view.runAsync() : Promise.resolve(view);
  }

  // The width a chart's drawing may take: its column, less vega-embed's padding on the
  // right for the export menu.
  function roomFor(chart) {
    var embed = chart.target.querySelector(".vega-embed");
    var padding = embed ? parseFloat(getComputedStyle(embed).paddingRight) || 0 : 38;
    return chart.figure.clientWidth - padding;
  }

  // The smallest font size the drawing uses, before any scaling (px).
  function smallestText(svg) {
    var least = Infinity;
    svg.querySelectorAll("text").forEach(function (text) {
      if (text.textContent.trim()) { least = Math.min(least, parseFloat(getComputedStyle(text).fontSize) || Infinity); }
    });
    return least;
  }

  function fit(chart, attempt) {
    var target = chart.target, room = roomFor(chart);
    var excess = svgWidth(target) - room;
    var svg = target.querySelector("svg");
    if (excess <= 0 || !chart.view) { return Promise.resolve(); }
    if (attempt < 4) {
      // A title centred under the plot shrinks by half what the plot does: ask for more.
      return narrow(chart.view, Math.ceil(excess * 1.5) + 2, room).then(function () { return fit(chart, attempt + 1); });
    }
    // Still too wide (a long legend or label): scale the drawing down, but only so far that
    // its smallest text still shows at MIN_TEXT_PX; beyond that the frame scrolls sideways.
    if (svg) {
      var width = svgWidth(target);
      var scale = Math.max(room / width, Math.min(1, MIN_TEXT_PX / smallestText(svg)));
      if (scale < 1) {
        svg.style.width = Math.ceil(width * scale) + "px"; svg.style.height = "auto";
        target.setAttribute("data-chart-scaled", scale.toFixed(2));
      }
      if (width * scale > room + 1) {
        // Its frame scrolls: reachable and named for a keyboard, as the book's wide tables are.
        target.setAttribute("data-chart-overflow", "true");
        target.setAttribute("tabindex", "0");
        target.setAttribute("role", "region");
        target.setAttribute("aria-label", "Chart (scrolls sideways)");
      }
    }
    return Promise.resolve();
  }

  function describe(chart) {
    var bound = chart.bound;
    if (!bound.length || !chart.view) { return; }
    var parts = bound.map(function (param) {
      var value = chart.view.signal(param.name);
      return param.label + " = " + (typeof value === "number" ? Number(value.toFixed(3)) : value);
    });
    // A chart whose finding follows the settings names the signal that states it
    // (usermeta.chipbook.description_signal); it follows the settings in the text too.
    var said = chart.describedBy ? chart.view.signal(chart.describedBy) : "";
    chart.figure.setAttribute("aria-label", chart.description + " Currently: " + parts.join("; ") + "."
                              + (said ? " " + said : ""));
  }

  function nameControls(target) {
    target.querySelectorAll(".vega-actions").forEach(function (menu) {
      menu.setAttribute("aria-label", "Export this chart");
    });
    target.querySelectorAll("details > summary").forEach(function (summary) {
      if (!summary.textContent.trim()) { summary.setAttribute("aria-label", "Export menu: save this chart as an image"); }
    });
    target.querySelectorAll(".vega-bind input, .vega-bind select").forEach(function (input) {
      var name = input.closest(".vega-bind").querySelector(".vega-bind-name");
      if (name && !input.getAttribute("aria-label")) { input.setAttribute("aria-label", name.textContent.trim()); }
    });
  }

  // The layout a chart's column calls for: its narrow one below its breakpoint, if it has one.
  function layoutFor(chart) {
    return chart.narrow && roomFor(chart) < chart.narrowBelow ? "narrow" : "wide";
  }

  function render(chart) {
    var target = chart.target;
    chart.layout = layoutFor(chart);
    var spec = prepare(chart.layout === "narrow" ? chart.narrow : chart.spec, roomFor(chart));
    ["data-chart-scaled", "data-chart-overflow", "tabindex", "role", "aria-label"].forEach(function (name) {
      target.removeAttribute(name);
    });
    var settings = {};
    if (chart.view) {
      chart.bound.forEach(function (param) { settings[param.name] = chart.view.signal(param.name); });
      chart.view.finalize();
    }
    // The controls of the layout drawn now: a phone's layout may bind fewer settings.
    chart.bound = boundParams(spec);
    (spec.params || []).forEach(function (param) {
      if (Object.prototype.hasOwnProperty.call(settings, param.name)) { param.value = settings[param.name]; }
    });
    target.style.minHeight = target.offsetHeight ? target.offsetHeight + "px" : "";
    var options = Object.assign({}, chart.options, {expressionFunctions: EXPRESSION_FUNCTIONS});
    return window.vegaEmbed(target, spec, options).then(function (result) {
      chart.view = result.view;
      target.chipbookView = result.view;  // for debugging in the console
      chart.bound.forEach(function (param) {
        result.view.addSignalListener(param.name, function () { describe(chart); });
      });
      if (chart.describedBy) {
        result.view.addSignalListener(chart.describedBy, function () { describe(chart); });
      }
      nameControls(target);
      // Many controls: on a narrow screen they stay in view beside the drawing (chipbook.css).
      target.classList.toggle("chipbook-many-controls", chart.bound.length > 3);
      describe(chart);
      return fit(chart, 0);
    }).then(function () {
      target.style.minHeight = "";
      watchTooltip();
      target.setAttribute("data-chart-drawn", "true");
      target.setAttribute("data-chart-layout", chart.layout);
      target.setAttribute("data-chart-theme", document.documentElement.dataset.theme || "light");
    }).catch(function (error) {
      target.setAttribute("data-chart-error", String(error));
      target.textContent = "This chart could not be drawn: " + error;
      console.error("chart " + chart.id + ": " + error);
    });
  }

  // Tooltips (vega-tooltip's one element for the page): kept inside the screen, since on
  // a phone none of its four placements beside the pointer may fit and it then falls back
  // to one partly off the left edge; and opened by a tap, which sends no pointermove (the
  // event Vega opens them on) to the mark.
  var MARGIN_PX = 8;
  function keepInside(tip) {
    if (!tip.classList.contains("visible")) { return; }
    var box = tip.getBoundingClientRect();
    var left = Math.min(Math.max(MARGIN_PX, box.left), window.innerWidth - box.width - MARGIN_PX);
    var top = Math.min(Math.max(MARGIN_PX, box.top), window.innerHeight - box.height - MARGIN_PX);
    left = Math.max(MARGIN_PX, left); top = Math.max(MARGIN_PX, top);
    // Its style is `position: fixed`: only a change is written (the write is observed).
    if (Math.abs(left - box.left) > 0.5) { tip.style.left = Math.round(left) + "px"; }
    if (Math.abs(top - box.top) > 0.5) { tip.style.top = Math.round(top) + "px"; }
  }
  var watchedTip = null;
  function watchTooltip() {
    var tip = document.getElementById("vg-tooltip-element");
    if (!tip || tip === watchedTip) { return; }
    watchedTip = tip;
    new MutationObserver(function () { keepInside(tip); })
      .observe(tip, {attributes: true, attributeFilter: ["style", "class"], childList: true, subtree: true});
    keepInside(tip);  // it may have opened before it was watched
  }
  document.addEventListener("pointerup", function (event) {
    if (event.pointerType !== "touch" || !event.target.closest) { return; }
    var svg = event.target.closest(".chipbook-chart-canvas svg");
    if (!svg) { return; }
    var init = {bubbles: true, cancelable: true, clientX: event.clientX, clientY: event.clientY,
                pointerId: event.pointerId, pointerType: "mouse", isPrimary: true};
    event.target.dispatchEvent(new PointerEvent("pointerover", init));
    event.target.dispatchEvent(new PointerEvent("pointermove", init));
    setTimeout(watchTooltip, 0);
  }, true);
  document.addEventListener("pointerover", function () { if (!watchedTip) { setTimeout(watchTooltip, 0); } }, true);

  function boundParams(spec) {
    return (spec.params || []).filter(function (param) {
      return param.bind && param.bind.input;
    }).map(function (param) {
      return {name: param.name, label: String(param.bind.name || param.name).trim()};
    });
  }

  // Charts are drawn as a reader nears them, one per task, so that a long chapter does not
  // freeze a phone while it draws every chart at once. The vega bundle (about 300 KB
  // compressed) is fetched only on a page with a chart, when its first chart is near:
  // each chart's inline script queues its drawing (the stub that _ext/chipbook_sphinx.py
  // puts in the page's head names the bundle) and this deferred script takes the queue.
  // chipbookDrawAll() draws every chart now and marks the tables that scroll (the PDF
  // printer and the browser check call it; so does printing); it resolves when all are drawn.
  var pending = {};        // chart id -> its draw function, until it is drawn
  var ready = [];          // draw functions whose chart is due, in order
  var drawing = false;
  var vegaState = window.vegaEmbed ? "loaded" : "none";
  var everyDrawn = [];     // resolvers waiting for chipbookDrawAll

  function settleIfDone() {
    if (Object.keys(pending).length || ready.length || drawing) { return; }
    everyDrawn.splice(0).forEach(function (resolve) { resolve(); });
  }

  function drawNext() {
    if (drawing || vegaState !== "loaded") { return; }
    var draw = ready.shift();
    if (!draw) { settleIfDone(); return; }
    drawing = true;
    draw().then(function () { drawing = false; setTimeout(drawNext, 0); });
  }

  // After the first contentful paint, so that the bundle never competes with the text.
  function afterFirstPaint(callback) {
    var painted = performance.getEntriesByType ? performance.getEntriesByType("paint").some(function (entry) {
      return entry.name === "first-contentful-paint"; }) : true;
    if (painted || !("PerformanceObserver" in window)) { callback(); return; }
    var done = false;
    var once = function () { if (!done) { done = true; observer.disconnect(); callback(); } };
    var observer = new PerformanceObserver(function (list) {
      if (list.getEntries().some(function (entry) { return entry.name === "first-contentful-paint"; })) { once(); }
    });
    observer.observe({type: "paint", buffered: true});
    setTimeout(once, 5000);  // a page that never reports its paint (a tab opened in the background)
  }

  function loadVega() {
    if (vegaState !== "none") { return; }
    vegaState = "waiting";
    afterFirstPaint(fetchVega);
  }

  function fetchVega() {
    vegaState = "loading";
    var script = document.createElement("script");
    script.src = window.chipbookVega;
    script.onload = function () { vegaState = "loaded"; drawNext(); };
    script.onerror = function () {
      vegaState = "failed";
      document.querySelectorAll(".chipbook-chart-canvas:not([data-chart-drawn])").forEach(function (target) {
        target.setAttribute("data-chart-error", "the chart library did not load");
        target.textContent = "This chart could not be drawn: the chart library did not load.";
      });
      pending = {}; ready = []; settleIfDone();
    };
    document.head.appendChild(script);
  }

  function due(id) {
    if (!pending[id]) { return; }
    ready.push(pending[id]);
    delete pending[id];
    loadVega();
    drawNext();
  }

  var nearView = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) { nearView.unobserve(entry.target); due(entry.target.id); }
    });
  }, {rootMargin: "100% 0px"}) : null;

  // A spec with a patch of charts.narrow_patch applied (the patch's parts are shared, not copied:
  // prepare() copies a spec before it changes it).
  function applyPatch(base, patch) {
    if (Object.prototype.hasOwnProperty.call(patch, "$set")) { return patch.$set; }
    if (patch.$items) {
      return base.map(function (item, i) { return patch.$items[i] ? applyPatch(item, patch.$items[i]) : item; })
        .slice(0, patch.$length === undefined ? base.length : patch.$length).concat(patch.$append || []);
    }
    var out = Object.assign({}, base);
    Object.keys(patch.$keys || {}).forEach(function (key) { out[key] = applyPatch(base[key], patch.$keys[key]); });
    (patch.$drop || []).forEach(function (key) { delete out[key]; });
    return out;
  }

  window.chipbookDraw = function (id, spec, options) {
    var target = document.getElementById(id);
    pending[id] = function () {
      var figure = target.closest("figure") || target;
      var meta = (spec.usermeta || {}).chipbook || {};
      // The chart's description is the figure's label, and its theme the page's, unless it
      // has one of its own (charts._figure_html stores each once).
      if (spec.description === undefined) { spec.description = figure.getAttribute("aria-label") || ""; }
      if (spec.config === undefined && window.chipbookTheme) { spec.config = window.chipbookTheme; }
      // The narrow layout comes as what differs from the wide one (charts.narrow_patch);
      // it reads the wide one's tables and metadata.
      var narrowSpec = meta.narrow
        ? Object.assign(applyPatch(spec, meta.narrow), {datasets: spec.datasets, usermeta: spec.usermeta}) : null;
      delete meta.narrow;  // not carried along (and copied) with every drawing of the wide one
      var chart = {id: id, spec: spec, options: options, target: target, figure: figure, view: null,
                   narrow: narrowSpec, narrowBelow: meta.narrow_below || 0, layout: null,
                   bound: boundParams(spec), description: figure.getAttribute("aria-label") || "",
                   describedBy: meta.description_signal || null,
                   width: figure.clientWidth, theme: document.documentElement.dataset.theme};
      charts.push(chart);
      return render(chart);
    };
    if (nearView) { nearView.observe(target); } else { due(id); }
  };

  window.chipbookDrawAll = function () {
    markScrollers();
    return new Promise(function (resolve) {
      everyDrawn.push(resolve);
      Object.keys(pending).forEach(function (id) {
        if (nearView) { nearView.unobserve(document.getElementById(id)); }
        due(id);
      });
      settleIfDone();
    });
  };
  window.addEventListener("beforeprint", function () { window.chipbookDrawAll(); });

  function takeQueue() {
    (window.chipbookQueue || []).splice(0).forEach(function (call) { window.chipbookDraw.apply(null, call); });
  }
  // Deferred, this script runs after every inline chart script has queued its chart.
  takeQueue();

  // Draw again when the theme changes (pydata-sphinx-theme sets data-theme on <html>)
  // or the column width changes enough to matter.
  new MutationObserver(function () {
    var theme = document.documentElement.dataset.theme;
    charts.forEach(function (chart) {
      if (chart.view && chart.theme !== theme) { chart.theme = theme; render(chart); }
    });
  }).observe(document.documentElement, {attributes: true, attributeFilter: ["data-theme"]});
  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      charts.forEach(function (chart) {
        var width = chart.figure.clientWidth;
        if (chart.view && (Math.abs(width - chart.width) > 24 || layoutFor(chart) !== chart.layout)) {
          chart.width = width; render(chart);
        }
      });
      markScrollers();
    }, 200);
  });

  // Wide tables and code blocks: reachable by keyboard, named, and marked when they scroll.
  // Every size is read before anything is written: a write between two reads would make
  // the browser lay the whole page out again for the second read.
  function markScrollers() {
    var unwrapped = [];
    document.querySelectorAll(".bd-article table").forEach(function (table) {
      var parent = table.parentElement;
      if (table.offsetWidth > parent.clientWidth + 1 && getComputedStyle(parent).overflowX === "visible") {
        unwrapped.push(table);
      }
    });
    unwrapped.forEach(function (table) {
      var box = document.createElement("div");
      box.className = "chipbook-table-wrap";
      table.parentElement.insertBefore(box, table);
      box.appendChild(table);
    });
    var boxes = Array.prototype.slice.call(document.querySelectorAll(
      ".chipbook-table-wrap, .pst-scrollable-table-container, .table-wrapper, div.highlight > pre, .cell_output .output"));
    var scrolling = boxes.map(function (box) { return box.scrollWidth > box.clientWidth + 1; });
    var widths = boxes.map(function (box) { return box.clientWidth; });
    boxes.forEach(function (box, i) {
      var scrolls = scrolling[i];
      box.classList.toggle("chipbook-scrolls", scrolls);
      // The caption of a table that scrolls is no wider than its frame, where it stays
      // (chipbook.css makes it sticky) instead of scrolling away, cut at the edge.
      var caption = box.querySelector("table > caption");
      if (caption) { caption.style.maxWidth = scrolls ? widths[i] + "px" : ""; }
      if (scrolls && !box.hasAttribute("tabindex")) {
        var table = box.querySelector("table");
        var caption = table && (table.querySelector("caption") || table.getAttribute("aria-label"));
        var label = caption ? (caption.textContent || caption) : (table ? "Table" : "Code");
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", String(label).trim() + " (scrolls sideways)");
        var hint = document.createElement("p");
        hint.className = "chipbook-scroll-hint";
        hint.setAttribute("aria-hidden", "true");
        hint.textContent = (table ? "Table" : "This block") + " continues to the right: scroll \u2192";
        box.parentNode.insertBefore(hint, box);
      }
    });
  }

  function nameToggles() {
    document.querySelectorAll("button.toggle-button").forEach(function (button) {
      if (!button.getAttribute("aria-label")) {
        button.setAttribute("aria-label", button.textContent.trim() || "Show or hide the code of this cell");
      }
    });
    // Label in name (WCAG 2.5.3): a control's name must contain the words it shows, so a
    // reader using voice control can say them. The theme's search field shows "Search
    // Ctrl+K" under the name "Search": its words become its name. Its colour-mode button
    // holds icons titled "Light", "Dark" and "System Settings", which Font Awesome turns into
    // SVG titles that axe-core reads as the button's words: the titles go (before or after
    // Font Awesome has drawn the icons), and the button keeps its name and its tooltip.
    document.querySelectorAll(".search-button-field[aria-label]").forEach(function (button) {
      button.removeAttribute("aria-label");
    });
    document.querySelectorAll(".theme-switch-button i.theme-switch[title]").forEach(function (icon) {
      icon.removeAttribute("title");
    });
    document.querySelectorAll(".theme-switch-button svg.theme-switch title").forEach(function (title) {
      var icon = title.parentNode;
      icon.removeAttribute("aria-labelledby");
      icon.setAttribute("aria-hidden", "true");  // as Font Awesome marks an untitled icon
      title.remove();
    });
  }

  // Scroll marks once the page has loaded (measuring earlier would lay the whole page out
  // inside this script while the reader waits for its first screen); names both times.
  // This script may run after DOMContentLoaded (it is loaded once the page is parsed).
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", nameToggles); }
  else { nameToggles(); }
  // Scroll marks after the first frame that follows the load, when the page's layout is
  // done and reading sizes costs nothing (chipbookDrawAll marks at once).
  function markAfterFrame() {
    requestAnimationFrame(function () { setTimeout(function () { markScrollers(); nameToggles(); }, 0); });
  }
  if (document.readyState === "complete") { markAfterFrame(); }
  else { window.addEventListener("load", markAfterFrame); }

  // A reader who comes from the search page lands on the first match, not at the top of a
  // long chapter: Sphinx's sphinx_highlight.js has marked the matches (it marks them only
  // for a page opened from the search results).
  function toFirstMatch() {
    if (location.hash || window.scrollY > 0) { return; }
    requestAnimationFrame(function () {
      var match = document.querySelector(".bd-article .highlighted");
      if (match) { match.scrollIntoView({block: "center"}); }
    });
  }
  if (document.readyState === "complete") { toFirstMatch(); }
  else { window.addEventListener("load", toFirstMatch); }

  // <select data-filter-table="ID" data-filter-column="N"> hides rows of table ID whose
  // cell N does not match; every select on the table applies together.
  function applyFilters(tableId) {
    var selects = document.querySelectorAll('select[data-filter-table="' + tableId + '"]');
    var rows = document.querySelectorAll("#" + tableId + " tbody tr");
    var shown = 0;
    rows.forEach(function (row) {
      var visible = Array.prototype.every.call(selects, function (select) {
        var cell = row.cells[Number(select.getAttribute("data-filter-column"))];
        return !select.value || (cell && cell.getAttribute("data-value") === select.value);
      });
      row.hidden = !visible;
      if (visible) { shown += 1; }
    });
    var counter = document.querySelector('[data-filter-count="' + tableId + '"]');
    if (counter) { counter.textContent = shown + " of " + rows.length + " claims shown"; }
  }
  document.addEventListener("change", function (event) {
    var tableId = event.target.getAttribute && event.target.getAttribute("data-filter-table");
    if (tableId) { applyFilters(tableId); }
  });
})();
