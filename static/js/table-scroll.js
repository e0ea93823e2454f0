// A table wider than the screen says so: a line above it ("vuốt sang ngang ..."), and
// data-overflowing / data-scrolled / data-at-end on its .table-scroll box, which the CSS
// turns into shadows on the side that has more columns. Pages work without it.
(function () {
  "use strict";

  function mark(box) {
    const overflowing = box.scrollWidth > box.clientWidth + 1;
    box.toggleAttribute("data-overflowing", overflowing);
    box.toggleAttribute("data-scrolled", box.scrollLeft > 0);
    box.toggleAttribute("data-at-end", box.scrollLeft + box.clientWidth >= box.scrollWidth - 1);
    let hint = box.previousElementSibling;
    if (!hint || !hint.classList.contains("scroll-hint")) {
      if (!overflowing) return;
      hint = document.createElement("p");
      hint.className = "scroll-hint";
      hint.textContent = document.body.dataset.scrollHint || "";
      box.parentNode.insertBefore(hint, box);
    }
    hint.hidden = !overflowing;
  }

  function setUp(root) {
    (root || document).querySelectorAll(".table-scroll").forEach(function (box) {
      if (!box.dataset.scrollWatched) {
        box.dataset.scrollWatched = "1";
        box.addEventListener("scroll", function () { mark(box); }, { passive: true });
      }
      mark(box);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  document.addEventListener("htmx:load", function (event) { setUp(event.target); });
  window.addEventListener("resize", function () { setUp(document); });
})();
