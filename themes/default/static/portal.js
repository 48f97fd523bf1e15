// Partner Center default theme behaviour. No inline scripts anywhere: the worker sends a strict
// Content-Security-Policy, so every page loads this file and it wires up what it finds.
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

  function readCookie(name) {
    var found = document.cookie.split("; ").filter(function (c) { return c.indexOf(name + "=") === 0; })[0];
    return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
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

    // Forms carry the CSRF token the worker puts in a readable cookie (double submit).
    var csrf = readCookie("pc_csrf");
    document.querySelectorAll("[data-csrf]").forEach(function (input) { input.value = csrf; });

    var params = new URLSearchParams(window.location.search);
    var token = document.querySelector("[data-reset-token]");
    if (token) token.value = params.get("token") || "";
    var next = document.querySelector("[data-next]");
    if (next) next.value = params.get("next") || "";

    var notice = document.querySelector("[data-notice]");
    var messages = {
      failed: ["The username or password is not right. Try again, or use Forgot your Password?", true],
      limited: ["Too many attempts. Wait a few minutes, then try again.", true],
      sent: ["If that code belongs to an account, a reset link is on its way to the account's e-mail address.", false],
      expired: ["That link has expired or was already used. Ask for a new one below.", true],
      mismatch: ["The two passwords are not the same.", true],
      weak: ["Choose a password of at least 10 characters.", true],
      saved: ["Your changes are saved.", false],
      signedout: ["You are signed out.", false],
      pending: ["Your application is being reviewed. We will e-mail you when it is approved.", false],
      invalid: ["Some of the details are not valid. Check them and try again.", true]
    };
    var status = params.get("status");
    if (notice && status && messages[status]) {
      notice.textContent = messages[status][0];
      if (messages[status][1]) notice.classList.add("error");
      notice.hidden = false;
    }
  });
})();
