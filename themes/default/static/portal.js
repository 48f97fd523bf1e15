// Partner Center default theme behaviour: copy buttons and the link builder. No inline scripts
// anywhere (the worker sends a strict Content-Security-Policy). Forms work without this file:
// the worker fills in their CSRF token, set-password token and notices.
(function () {
  "use strict";

  function copyFrom(id, button) {
    var field = document.getElementById(id);
    if (!field) return;
    var text = field.value;
    // Formatted text (an e-mail's body) goes on the clipboard as HTML, with the plain text.
    var rich = button.getAttribute("data-copy-html") && document.getElementById(button.getAttribute("data-copy-html"));
    if (rich && navigator.clipboard && window.ClipboardItem && window.isSecureContext) {
      var item = new ClipboardItem({
        "text/html": new Blob([rich.innerHTML], { type: "text/html" }),
        "text/plain": new Blob([text], { type: "text/plain" })
      });
      navigator.clipboard.write([item]).then(function () { copied(button); }, function () { field.select(); document.execCommand("copy"); copied(button); });
      return;
    }
    var done = function () { copied(button); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { field.select(); document.execCommand("copy"); done(); });
    } else {
      field.select();
      document.execCommand("copy");
      done();
    }
  }

  // The sub-id rule is the redirect's (the input's pattern comes from core): allowed
  // characters stay, any run of others becomes one "-", ends trimmed, at most 64.
  function subId(text, allowed) {
    var out = "";
    Array.from(text).forEach(function (c) {
      if (allowed.test(c)) out += c;
      else if (out && out.slice(-1) !== "-") out += "-";
    });
    return out.replace(/-+$/, "").slice(0, 64).replace(/-+$/, "");
  }

  function copied(button) {
    var label = button.textContent;
    button.textContent = "Copied";
    button.setAttribute("aria-live", "polite");
    setTimeout(function () { button.textContent = label; }, 1500);
  }

  function buildLink(form) {
    var base = form.elements.link.value;
    if (!base) return "";
    var url = new URL(base);
    var input = form.elements.sub;
    var pattern = input.getAttribute("pattern") || "";
    var allowed = new RegExp("^" + pattern.replace(/\{1,64\}$/, "") + "$");
    var typed = input.value.trim();
    var sub = typed ? subId(typed, allowed) : "";
    var hint = form.querySelector("[data-sub-hint]");
    if (hint) {
      hint.textContent = sub && sub !== typed
        ? "Your link uses the sub-id \u201c" + sub + "\u201d (letters, digits, - _ and . only)."
        : "Letters, digits, - _ and . (up to 64): other characters become \u201c-\u201d.";
    }
    if (sub) url.searchParams.set("sub", sub);
    ["utm_source", "utm_medium", "utm_campaign"].forEach(function (name) {
      var value = form.elements[name].value.trim();
      if (value) url.searchParams.set(name, value);
    });
    return url.toString();
  }

  // Phones: the menu is a disclosure panel behind a button naming the current page.
  function phoneMenu() {
    var toggle = document.querySelector("[data-menu-toggle]");
    if (!toggle) return;
    var panel = document.getElementById(toggle.getAttribute("aria-controls"));
    document.documentElement.classList.add("js-menu");
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      if (open && panel) {
        var first = panel.querySelector("a");
        if (first) first.focus();
      }
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
        toggle.setAttribute("aria-expanded", "false");
        toggle.focus();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    phoneMenu();
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
