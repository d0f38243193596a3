/* Claim previews (chipbook.ledger.claim_preview): a claim named by its id opens a preview of
   the claim on hover, on keyboard focus and on a first tap (a second tap follows the link);
   Escape closes it; it is placed inside the viewport, outside any scrolling table that
   would clip it. Without this script, CSS opens it on hover and focus. */
(function () {
  "use strict";
  document.documentElement.classList.add("chipbook-claimref-js");
  var open = null;
  var closeTimer = null;

  function place(ref) {
    var tip = ref.querySelector(".chipbook-claimtip");
    var link = ref.querySelector("a");
    if (!tip || !link) { return; }
    var box = link.getBoundingClientRect();
    var margin = 8;
    tip.style.left = "0px";
    tip.style.top = "0px";
    var width = tip.offsetWidth;
    var height = tip.offsetHeight;
    var left = Math.min(Math.max(margin, box.left), window.innerWidth - width - margin);
    var top = box.bottom + 4;
    if (top + height > window.innerHeight - margin && box.top - height - 4 > margin) { top = box.top - height - 4; }
    tip.style.left = Math.max(margin, left) + "px";
    tip.style.top = top + "px";
  }

  function show(ref) {
    clearTimeout(closeTimer);
    if (open && open !== ref) { open.classList.remove("chipbook-open"); }
    open = ref;
    ref.classList.add("chipbook-open");
    place(ref);
  }

  function hide(ref) {
    if (!ref) { return; }
    ref.classList.remove("chipbook-open");
    if (open === ref) { open = null; }
  }

  function refOf(target) {
    return target && target.closest ? target.closest(".chipbook-claimref") : null;
  }

  document.addEventListener("mouseover", function (event) {
    var ref = refOf(event.target);
    if (ref) { show(ref); }
  });
  document.addEventListener("mouseout", function (event) {
    var ref = refOf(event.target);
    if (ref && !ref.contains(event.relatedTarget)) {
      // A short delay lets the pointer move onto the preview, which keeps it open.
      closeTimer = setTimeout(function () { if (!ref.contains(document.activeElement)) { hide(ref); } }, 250);
    }
  });
  document.addEventListener("focusin", function (event) {
    var ref = refOf(event.target);
    if (ref) { show(ref); }
  });
  document.addEventListener("focusout", function (event) {
    var ref = refOf(event.target);
    if (ref && !ref.contains(event.relatedTarget)) { hide(ref); }
  });
  // Touch: the first tap on a claim id opens its preview; a second tap follows the link.
  var touched = false;
  document.addEventListener("touchstart", function () { touched = true; }, { passive: true });
  document.addEventListener("click", function (event) {
    var ref = refOf(event.target);
    if (ref && touched && event.target.closest("a") && !ref.classList.contains("chipbook-open-by-tap")) {
      event.preventDefault();
      document.querySelectorAll(".chipbook-open-by-tap").forEach(function (other) { other.classList.remove("chipbook-open-by-tap"); });
      ref.classList.add("chipbook-open-by-tap");
      show(ref);
    } else if (!ref && open) {
      open.classList.remove("chipbook-open-by-tap");
      hide(open);
    }
    touched = false;
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && open) { hide(open); }
  });
  document.addEventListener("scroll", function () { if (open) { place(open); } }, { passive: true, capture: true });
  window.addEventListener("resize", function () { if (open) { place(open); } });
}());
