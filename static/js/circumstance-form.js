// Show only the fields that belong to the chosen kind of circumstance. Without
// JavaScript every field stays visible and the server still checks them all.
(function () {
  "use strict";
  const form = document.querySelector("[data-circumstance-form]");
  if (!form) return;
  const kind = form.querySelector("select[name=kind]");
  const groups = form.querySelectorAll("[data-kind]");
  function update() {
    groups.forEach(function (group) {
      const kinds = group.dataset.kind.split(" ");
      const show = !kind.value || kinds.includes(kind.value);
      const hasError = group.querySelector(".has-error");
      group.hidden = !show && !hasError;
    });
  }
  kind.addEventListener("change", update);
  update();
})();
