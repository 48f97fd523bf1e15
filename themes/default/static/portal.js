// Partner Center default theme behaviour: copy buttons and the link builder. No inline scripts
// anywhere (the worker sends a strict Content-Security-Policy). Forms work without this file:
// the worker fills in their CSRF token, set-password token and notices.
(function () {
  "use strict";

  function copyFrom(id, button) {
    var field = document.getElementById(id);
    if (!field) return;
    var text = field.value;
    var done = function () {
      var label = button.textContent;
      button.textContent = "Copied";
      button.setAttribute("aria-live", "polite");
      setTimeout(function () { button.textContent = label; }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { field.select(); document.execCommand("copy"); done(); });
    } else {
      field.select();
      document.execCommand("copy");
      done();
    }
  }

  function buildLink(form) {
    var base = form.elements.link.value;
    if (!base) return "";
    var url = new URL(base);
    ["sub", "utm_source", "utm_medium", "utm_campaign"].forEach(function (name) {
      var value = form.elements[name].value.trim();
      if (value) url.searchParams.set(name, value);
    });
    return url.toString();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      button.addEventListener("click", function () { copyFrom(button.getAttribute("data-copy"), button); });
    });

    var builder = document.querySelector("[data-link-builder]");
    var built = document.getElementById("built-url");
    if (builder && built) {
      var update = function () { built.value = buildLink(builder); };
      builder.addEventListener("input", update);
      builder.addEventListener("change", update);
      builder.addEventListener("submit", function (e) { e.preventDefault(); });
      update();
    }

  });
})();
