/* The argument maps of the verdict page (chipbook.argument_map inlines this file once per
   page). No network, no globals.
   1. The rules, as pure functions that tests run under node: weakestLinks follows
      argument_map.weakest_links exactly (reason links only, lowest rating, ids in order,
      and how many premises hold up and hold only in part by the book's one rule, which
      the data carries as holdsUp and holdsInPart from ledger.OUTCOMES).
   2. Lights the path from a claim up to the final conclusions on hover, focus and tap.
   3. Moves between claims by keyboard: one tab stop per map; arrow keys, Home and End.
   4. Lets a reader change a claim's verdict and shows which conclusions' weakest links
      and counts change, with a button that restores the book's verdicts. */
(function () {
  "use strict";

  function sorted(items) { return items.slice().sort(); }

  // claim -> the claims offered for it, through links of the given kinds (all when null).
  function premisesOf(data, kinds) {
    var found = {};
    Object.keys(data.claims).forEach(function (id) { found[id] = []; });
    data.links.forEach(function (link) {
      if (!kinds || kinds.indexOf(link[2]) >= 0) { found[link[1]].push(link[0]); }
    });
    return found;
  }

  // claim -> the claims it is offered for, through links of any kind.
  function conclusionsOf(data) {
    var found = {};
    Object.keys(data.claims).forEach(function (id) { found[id] = []; });
    data.links.forEach(function (link) { found[link[0]].push(link[1]); });
    return found;
  }

  // Every claim reachable from `start` along `next` (start itself excluded).
  function reach(next, start) {
    var seen = {}, stack = next[start].slice();
    while (stack.length) {
      var id = stack.pop();
      if (!seen[id]) { seen[id] = true; stack.push.apply(stack, next[id]); }
    }
    return Object.keys(seen);
  }

  // The final conclusions: offered nothing, something offered for them.
  function finalConclusions(data) {
    var up = conclusionsOf(data), down = premisesOf(data, null);
    return sorted(Object.keys(data.claims).filter(function (id) {
      return up[id].length === 0 && down[id].length > 0;
    }));
  }

  function verdictOf(data, rating) {
    return Object.keys(data.ratings).filter(function (v) { return data.ratings[v] === rating; })[0];
  }

  // As argument_map.weakest_links: for each final conclusion, the claims it rests on and
  // the lowest-rated among them. `verdicts` are a reader's, in place of the book's.
  function weakestLinks(data, verdicts) {
    verdicts = verdicts || {};
    var rating = {};
    Object.keys(data.claims).forEach(function (id) {
      rating[id] = data.ratings[verdicts[id] || data.claims[id].verdict];
    });
    var reasons = premisesOf(data, data.reasonKinds);
    return finalConclusions(data).map(function (end) {
      var below = reach(reasons, end);
      var low = below.length ? Math.min.apply(null, below.map(function (id) { return rating[id]; })) : null;
      var said = below.map(function (id) { return verdictOf(data, rating[id]); });
      function among(verdictList) { return said.filter(function (v) { return verdictList.indexOf(v) >= 0; }).length; }
      return {conclusion: end, conclusionVerdict: verdictOf(data, rating[end]), premises: below.length,
              holdsUp: among(data.holdsUp), holdsInPart: among(data.holdsInPart),
              weakestVerdict: low === null ? null : verdictOf(data, low),
              weakest: sorted(below.filter(function (id) { return rating[id] === low; }))};
    });
  }

  var rules = {weakestLinks: weakestLinks, finalConclusions: finalConclusions};
  if (typeof module === "object" && module.exports) { module.exports = rules; return; }

  // ---- The page ----------------------------------------------------------------------

  function escapeText(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }
  function slug(verdict) { return verdict.replace(/ /g, "-"); }
  function rowLink(id) { return '<a href="#argmap-' + id.toLowerCase() + '">' + escapeText(id) + "</a>"; }
  function badge(verdict) {
    return '<span class="chipbook-verdict chipbook-verdict-' + slug(verdict) + '">' + escapeText(verdict) + "</span>";
  }
  function words(items) {
    return items.length === 1 ? items[0] : items.slice(0, -1).join(", ") + " and " + items[items.length - 1];
  }
  // As argument_map._holding_html.
  function holdingHtml(row) {
    if (!row.premises) { return "no other claim"; }
    function verb(n) { return n === 1 ? "holds" : "hold"; }
    return row.premises + (row.premises === 1 ? " claim" : " claims") + ", of which " + row.holdsUp + " " +
      verb(row.holdsUp) + " up and " + row.holdsInPart + " " + verb(row.holdsInPart) + " only in part";
  }
  // As argument_map._weakest_html.
  function weakestHtml(row) {
    if (row.weakestVerdict === null) { return "it rests on no other claim"; }
    return (row.weakest.length === 1 ? "weakest link " : "weakest links ") +
      row.weakest.map(rowLink).join(", ") + " (" + badge(row.weakestVerdict) + ")";
  }
  function sameWeakest(a, b) {
    return a.weakestVerdict === b.weakestVerdict && a.weakest.join() === b.weakest.join() &&
      a.holdsUp === b.holdsUp && a.holdsInPart === b.holdsInPart;
  }

  function setup(figure) {
    var data = JSON.parse(figure.querySelector("script.argmap-data").textContent);
    var up = conclusionsOf(data);
    var verdicts = {};
    var book = weakestLinks(data, {});
    var pinned = null, focused = null;
    var items = Array.prototype.slice.call(figure.querySelectorAll(".argmap-item"));
    var targets = items.map(function (item) { return item.querySelector(":scope > .argmap-row > summary, :scope > a.argmap-row"); });
    var status = figure.querySelector(".argmap-status");

    function parentItem(item) {
      var branch = item.parentElement;
      return branch && branch.classList.contains("argmap-branch") ? branch.parentElement : null;
    }
    function claimOf(item) { return item.getAttribute("data-claim"); }

    // The path up from a claim: the rows of the claim and of every claim resting on it
    // (through links of any kind) whose link runs to a claim on the path.
    function light(id) {
      items.forEach(function (item) { item.classList.remove("is-lit", "is-origin", "is-trunk", "has-lit-branch"); });
      if (!id) { return; }
      var onPath = {};
      reach(up, id).forEach(function (c) { onPath[c] = true; });
      items.forEach(function (item) {
        var claim = claimOf(item), parent = parentItem(item);
        if (claim !== id && !onPath[claim]) { return; }
        if (parent && !onPath[claimOf(parent)]) { return; }
        item.classList.add("is-lit");
        if (claim === id) { item.classList.add("is-origin"); }
        if (parent) {
          parent.classList.add("has-lit-branch");
          for (var sibling = item.previousElementSibling; sibling; sibling = sibling.previousElementSibling) {
            sibling.classList.add("is-trunk");
          }
        }
      });
    }
    function relight() { light(focused || pinned); }

    // One tab stop per map, on the claim last visited.
    function makeCurrent(target) {
      targets.forEach(function (t) { t.tabIndex = t === target ? 0 : -1; });
    }
    function go(target) { if (target) { makeCurrent(target); target.focus(); } }

    targets.forEach(function (target, index) {
      var item = items[index];
      var claim = claimOf(item);
      target.addEventListener("pointerenter", function () { light(claim); });
      target.addEventListener("pointerleave", relight);
      target.addEventListener("focus", function () { focused = claim; makeCurrent(target); light(claim); });
      target.addEventListener("blur", function () { focused = null; relight(); });
      target.addEventListener("click", function (event) {
        pinned = claim;
        relight();
        if (target.tagName === "A") {  // a claim shown above: go to its full row
          event.preventDefault();
          var full = figure.querySelector("#argmap-" + claim.toLowerCase() + " > .argmap-row > summary");
          full.scrollIntoView({block: "center"});
          go(full);
        }
      });
      target.addEventListener("keydown", function (event) {
        var next = null;
        if (event.key === "ArrowDown") { next = targets[index + 1]; }
        else if (event.key === "ArrowUp") { next = targets[index - 1]; }
        else if (event.key === "Home") { next = targets[0]; }
        else if (event.key === "End") { next = targets[targets.length - 1]; }
        else if (event.key === "ArrowLeft") {
          var parent = parentItem(item);
          next = parent && targets[items.indexOf(parent)];
        } else if (event.key === "ArrowRight") {
          var first = item.querySelector(":scope > .argmap-branch > .argmap-item");
          next = first && targets[items.indexOf(first)];
        } else { return; }
        event.preventDefault();
        go(next);
      });
    });
    makeCurrent(targets[0]);

    // The verdict menus, made when a claim is first opened.
    items.forEach(function (item) {
      var details = item.querySelector(":scope > details.argmap-row");
      if (!details) { return; }
      details.addEventListener("toggle", function () {
        var claim = claimOf(item);
        if (details.open) { pinned = claim; relight(); }
        var place = details.querySelector(".argmap-choose");
        if (!details.open || place.firstChild) { return; }
        var label = document.createElement("label");
        label.textContent = "Your verdict on " + claim + " ";
        var select = document.createElement("select");
        select.setAttribute("data-claim", claim);
        data.verdicts.forEach(function (v) {
          var option = document.createElement("option");
          option.value = v;
          option.textContent = v === data.claims[claim].verdict ? v + " (the book's verdict)" : v;
          select.appendChild(option);
        });
        select.value = verdicts[claim] || data.claims[claim].verdict;
        select.addEventListener("change", function () { choose(claim, select.value); });
        label.appendChild(select);
        place.appendChild(label);
      });
    });

    function showVerdict(claim) {
      var verdict = verdicts[claim] || data.claims[claim].verdict;
      var changed = verdict !== data.claims[claim].verdict;
      figure.querySelectorAll('.argmap-item[data-claim="' + claim + '"]').forEach(function (item) {
        var row = item.querySelector(":scope > .argmap-row");
        var mark = row.querySelector(".argmap-mark");
        mark.className = "argmap-mark chipbook-verdict-" + slug(verdict);
        mark.setAttribute("data-shape", data.shapes[verdict]);
        var shown = row.querySelector(".chipbook-verdict:not(.argmap-mark)");
        shown.className = "chipbook-verdict chipbook-verdict-" + slug(verdict);
        shown.textContent = verdict;
        var note = row.querySelector(".argmap-yours");
        if (changed && !note) {
          note = document.createElement("span");
          note.className = "argmap-yours";
          shown.insertAdjacentElement("afterend", note);
        }
        if (note) { note.textContent = changed ? "your verdict; the book's: " + data.claims[claim].verdict : ""; }
        item.classList.toggle("is-yours", changed);
      });
      figure.querySelectorAll('select[data-claim="' + claim + '"]').forEach(function (select) { select.value = verdict; });
    }

    function update() {
      var now = weakestLinks(data, verdicts);
      var moved = [];
      now.forEach(function (row, i) {
        var item = figure.querySelector('.argmap-weakest [data-conclusion="' + row.conclusion + '"]');
        var changed = !sameWeakest(row, book[i]);
        item.querySelector(".argmap-holding").textContent = holdingHtml(row);
        item.querySelector(".argmap-weakest-links").innerHTML = weakestHtml(row);
        item.querySelector(".argmap-change").innerHTML = changed
          ? " <strong>Changed</strong> (with the book's verdicts: " + holdingHtml(book[i]) + "; " +
            weakestHtml(book[i]) + ")" : "";
        item.classList.toggle("is-changed", changed);
        if (changed) { moved.push(row.conclusion); }
      });
      var any = Object.keys(verdicts).length > 0;
      status.textContent = !any ? "" : moved.length
        ? "With your verdicts, the weakest link or the count of claims that hold up changes for " + words(moved) + "."
        : "With your verdicts, no conclusion's weakest link or count of claims that hold up changes.";
      reset.hidden = !any;
    }

    function choose(claim, verdict) {
      if (verdict === data.claims[claim].verdict) { delete verdicts[claim]; } else { verdicts[claim] = verdict; }
      showVerdict(claim);
      update();
    }

    var reset = document.createElement("button");
    reset.type = "button";
    reset.className = "argmap-reset";
    reset.textContent = "Restore the book's verdicts";
    reset.hidden = true;
    reset.addEventListener("click", function () {
      var changed = Object.keys(verdicts);
      verdicts = {};
      changed.forEach(showVerdict);
      update();
    });
    status.insertAdjacentElement("afterend", reset);
    figure.classList.add("is-interactive");
  }

  function setupAll() {
    document.querySelectorAll("figure.argmap:not(.is-interactive)").forEach(setup);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", setupAll); }
  else { setupAll(); }
})();
