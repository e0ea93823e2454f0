// Site-wide behaviour on top of htmx. Pages work without it.
(function () {
  "use strict";
  // Filters left empty do not belong in the request or in the address bar.
  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.verb !== "get") return;
    const params = event.detail.formData || event.detail.parameters;
    if (!params || typeof params.keys !== "function") return;
    Array.from(params.keys()).forEach(function (key) {
      const values = params.getAll(key).filter(function (value) { return value !== ""; });
      params.delete(key);
      values.forEach(function (value) { params.append(key, value); });
    });
  });
})();
