// The commune picker (khuyenhoc/widgets.py): a search box that narrows a <select> of a
// province's communes, old names included, typed with or without diacritics. Without
// JavaScript the box stays hidden and the select works alone.
(function () {
  "use strict";

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase().replace(/\s+/g, " ").trim();
  }

  function setUp(picker) {
    const box = picker.querySelector(".commune-search");
    const select = picker.querySelector("select");
    if (!box || !select || picker.dataset.ready) return;
    picker.dataset.ready = "1";
    // Every option with its group, as rendered; the select is rebuilt from them (hiding
    // options does not work in every phone browser).
    const groups = Array.from(select.children).map(function (node) {
      return {
        node: node,
        options: node.tagName === "OPTGROUP" ? Array.from(node.children) : [node],
      };
    });
    const savedAs = picker.querySelector(".commune-saved-as");
    function sayWhatIsSaved() {
      const option = select.options[select.selectedIndex];
      const successor = option && option.dataset.successor;
      if (!savedAs) return;
      savedAs.hidden = !successor;
      savedAs.textContent = successor ? savedAs.dataset.template.replace("%(name)s", successor) : "";
    }
    box.hidden = false;
    select.addEventListener("change", sayWhatIsSaved);
    sayWhatIsSaved();
    box.addEventListener("input", function () {
      const words = fold(box.value).split(" ").filter(Boolean);
      const chosen = select.value;
      let first = null;
      let keptChoice = false;
      select.textContent = "";
      groups.forEach(function (group) {
        const shown = group.options.filter(function (option) {
          if (option.value === "") return true;
          const key = option.dataset.key || fold(option.textContent);
          return words.every(function (word) { return key.indexOf(word) !== -1; });
        });
        if (!shown.length) return;
        if (group.node.tagName === "OPTGROUP") {
          group.node.textContent = "";
          shown.forEach(function (option) { group.node.appendChild(option); });
          select.appendChild(group.node);
        } else {
          shown.forEach(function (option) { select.appendChild(option); });
        }
        shown.forEach(function (option) {
          if (option.value && !first) first = option;
          if (option.value === chosen && chosen) keptChoice = true;
        });
      });
      // Typing a name then leaving the box picks the first commune that matches.
      if (words.length && first && !keptChoice) first.selected = true;
      else if (keptChoice) select.value = chosen;
      sayWhatIsSaved();
    });
  }

  function setUpAll(root) {
    (root || document).querySelectorAll("[data-commune-picker]").forEach(setUp);
  }

  document.addEventListener("DOMContentLoaded", function () { setUpAll(document); });
  document.addEventListener("htmx:load", function (event) { setUpAll(event.target); });
})();
