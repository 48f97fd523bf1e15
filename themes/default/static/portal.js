// Partner Center default theme behaviour: copy buttons and the link builder. No inline scripts
// anywhere (the worker sends a strict Content-Security-Policy). Forms work without this file:
// the worker fills in their CSRF token, set-password token and notices.
(function () {
  "use strict";
  // The API the page reads: the partner's own, or (viewed by an owner) the view-as API.
  var API = document.body.getAttribute("data-api") || "/api/v1/me/";

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
    // A deep link: only to a page on the owner's own sites (the redirect checks it again).
    var to = form.elements.to;
    if (to) {
      var toHint = form.querySelector("[data-to-hint]");
      var hosts = (to.getAttribute("data-link-domains") || "").split(" ").filter(Boolean);
      var page = to.value.trim();
      var allowedPage = true;
      if (page) {
        var target = null;
        try { target = new URL(page); } catch (e) { target = null; }
        allowedPage = !!target && /^https?:$/.test(target.protocol) && hosts.some(function (h) {
          return target.hostname === h || target.hostname.slice(-(h.length + 1)) === "." + h;
        });
      }
      to.setCustomValidity(allowedPage ? "" : "A link can only go to a page on " + hosts.join(", ") + ".");
      to.setAttribute("aria-invalid", allowedPage ? "false" : "true");
      if (toHint) {
        toHint.textContent = allowedPage
          ? "Any page on " + hosts.join(", ") + ": your link takes visitors straight there."
          : "That page is not on " + hosts.join(", ") + ": links can only go to the program's own sites.";
        toHint.classList.toggle("error-text", !allowedPage);
      }
      if (!allowedPage) return "";
      if (page) url.searchParams.set("to", page);
    }
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
    // Without the script the toggle is a link to the panel (shown as the link's target); with
    // it, a button. Either way the panel starts closed, so nothing moves as the page loads.
    toggle.addEventListener("keydown", function (e) {
      if (e.key === " ") { e.preventDefault(); toggle.click(); }
    });
    toggle.addEventListener("click", function (e) {
      e.preventDefault();
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

  function save(name, href) {
    var a = document.createElement("a");
    a.href = href;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
  }

  // QR codes download as SVG (print, any size) or PNG (1024 px, for apps that take images).
  function qrDownloads() {
    document.querySelectorAll("[data-qr]").forEach(function (figure) {
      var svg = figure.querySelector("svg");
      var box = figure.querySelector("[data-qr-downloads]");
      if (!svg || !box) return;
      box.hidden = false;
      var name = "qr-" + figure.getAttribute("data-qr");
      var source = new XMLSerializer().serializeToString(svg);
      var dataUrl = "data:image/svg+xml;base64," + btoa(unescape(encodeURIComponent(source)));
      box.querySelectorAll("[data-qr-download]").forEach(function (button) {
        button.setAttribute("aria-label", "Download the QR code as " + button.textContent);
        button.addEventListener("click", function () {
          if (button.getAttribute("data-qr-download") === "svg") {
            save(name + ".svg", dataUrl);
            return;
          }
          var img = new Image();
          img.onload = function () {
            var canvas = document.createElement("canvas");
            canvas.width = 1024;
            canvas.height = 1024;
            var ctx = canvas.getContext("2d");
            ctx.fillStyle = "#fff";
            ctx.fillRect(0, 0, 1024, 1024);
            ctx.drawImage(img, 0, 0, 1024, 1024);
            save(name + ".png", canvas.toDataURL("image/png"));
          };
          img.src = dataUrl;
        });
      });
    });
  }

  // My Profile: payout details (masked), a change waiting out its cooling-off period, and the
  // form to change them (with the current password).
  // The page's CSRF token (the worker fills it into every form): JSON changes send it back.
  function csrfToken() {
    var input = document.querySelector("[data-csrf]");
    return input ? input.value : "";
  }

  function payoutDetails() {
    var box = document.querySelector("[data-payout]");
    if (!box || !window.fetch) return;
    var form = box.querySelector("[data-payout-form]");
    var notice = box.querySelector("[data-payout-notice]");
    function show(v) {
      box.querySelector("[data-payout-current]").textContent = v.method ? v.method + (v.details ? " (" + v.details + ")" : "") : "—";
      var pending = box.querySelector("[data-payout-pending]");
      pending.hidden = !v.pending;
      if (v.pending) {
        pending.querySelector("[data-payout-pending-text]").textContent = "Changing to " + v.pending.method + " (" + v.pending.details + ") from " + v.pending.applies_from + ".";
        pending.setAttribute("data-change-id", v.pending.id);
      }
      box.querySelector("[data-payout-frozen]").hidden = !v.frozen;
      form.hidden = !!v.frozen;
      var select = form.elements.method;
      if (!select.options.length) {
        v.methods.forEach(function (m) { var o = document.createElement("option"); o.value = m; o.textContent = m; select.appendChild(o); });
      }
      box.querySelector("[data-payout-hint]").textContent = "For your safety a change is e-mailed to you and applies to payouts after " +
        v.cooling_off_hours + " hours.";
      box.hidden = false;
    }
    fetch(API + "payout", { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : null; }).then(function (v) { if (v) show(v); });
    box.querySelector("[data-payout-cancel]").addEventListener("click", function () {
      var id = box.querySelector("[data-payout-pending]").getAttribute("data-change-id");
      fetch(API + "payout/pending/" + id, { method: "DELETE", credentials: "same-origin", headers: { "x-csrf-token": csrfToken() } })
        .then(function (r) { return r.json().then(function (v) { return { ok: r.ok, v: v }; }); })
        .then(function (res) {
          notice.hidden = false;
          notice.className = res.ok ? "notice" : "notice error";
          notice.textContent = res.ok ? "The change is cancelled: you are paid as before." : res.v.error;
          if (res.ok) show(res.v);
        });
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var body = JSON.stringify({ method: form.elements.method.value, details: form.elements.details.value, password: form.elements.password.value,
        two_factor_code: form.elements.two_factor_code.value || null });
      fetch(API + "payout", { method: "PUT", credentials: "same-origin", headers: { "content-type": "application/json", "x-csrf-token": csrfToken() }, body: body })
        .then(function (r) { return r.json().then(function (v) { return { ok: r.ok, v: v }; }); })
        .then(function (res) {
          notice.hidden = false;
          notice.className = res.ok ? "notice" : "notice error";
          notice.textContent = res.ok ? "Saved. We e-mailed you about the change." : res.v.error;
          form.elements.password.value = "";
          form.elements.two_factor_code.value = "";
          if (res.ok) show(res.v);
        });
    });
  }

  // Two-step sign-in, in My Profile and on the owner's account page (turn on with the password, a QR code and a
  // first code; recovery codes shown once; new recovery codes or turn off with the password and a code). The code
  // fields of the profile and payout forms show when it is on.
  function twoFactor() {
    var box = document.querySelector("[data-two-factor]");
    if (!box || !window.fetch) return;
    var api = box.getAttribute("data-two-factor") || API;
    var start = box.querySelector("[data-tf-start]");
    var setupForm = box.querySelector("[data-tf-setup]");
    var manage = box.querySelector("[data-tf-manage]");
    var notice = box.querySelector("[data-tf-notice]");
    var status = box.querySelector("[data-tf-status]");
    var offText = status.textContent;
    function post(action, body) {
      return fetch(api + "two-factor/" + action, { method: "POST", credentials: "same-origin",
        headers: { "content-type": "application/json", "x-csrf-token": csrfToken() }, body: JSON.stringify(body || {}) })
        .then(function (r) { return r.json().then(function (v) { return { ok: r.ok, v: v }; }); });
    }
    function say(text, error) {
      notice.hidden = !text;
      notice.className = error ? "notice error" : "notice";
      notice.textContent = text || "";
    }
    function showCodes(codes) {
      var list = box.querySelector("[data-tf-code-list]");
      list.textContent = "";
      codes.forEach(function (c) { var li = document.createElement("li"); li.textContent = c; list.appendChild(li); });
      box.querySelector("[data-tf-codes]").hidden = false;
    }
    function show(v) {
      start.hidden = v.enabled;
      manage.hidden = !v.enabled;
      setupForm.hidden = true;
      box.querySelector("[data-tf-disable]").hidden = v.required;
      status.textContent = v.enabled
        ? "On: signing in asks for a code from your authenticator app. Recovery codes left: " + v.recovery_codes_left + "."
        : (v.required ? box.getAttribute("data-tf-required-text") + " " : "") + offText;
      document.querySelectorAll("[data-tf-field]").forEach(function (f) { f.hidden = !v.enabled; });
      box.hidden = false;
    }
    function load() {
      fetch(api + "two-factor", { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : null; }).then(function (v) { if (v) show(v); });
    }
    start.addEventListener("submit", function (e) {
      e.preventDefault();
      post("setup", { password: start.elements.password.value }).then(function (res) {
        start.elements.password.value = "";
        if (!res.ok) { say(res.v.error, true); return; }
        var img = document.createElement("img");
        img.className = "tf-qr";
        img.alt = "QR code for your authenticator app";
        img.width = img.height = 200;
        img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(res.v.qr_svg);
        box.querySelector("[data-tf-qr]").replaceChildren(img);
        box.querySelector("[data-tf-secret]").textContent = res.v.secret.replace(/(.{4})/g, "$1 ").trim();
        start.hidden = true;
        setupForm.hidden = false;
        say("");
        setupForm.elements.code.focus();
      });
    });
    setupForm.addEventListener("submit", function (e) {
      e.preventDefault();
      post("enable", { code: setupForm.elements.code.value }).then(function (res) {
        setupForm.elements.code.value = "";
        if (!res.ok) { say(res.v.error, true); return; }
        say("Two-step sign-in is on.");
        showCodes(res.v.recovery_codes);
        load();
      });
    });
    manage.addEventListener("submit", function (e) {
      e.preventDefault();
      var action = e.submitter ? e.submitter.value : "recovery-codes";
      post(action, { password: manage.elements.password.value, code: manage.elements.code.value }).then(function (res) {
        manage.elements.password.value = "";
        manage.elements.code.value = "";
        if (!res.ok) { say(res.v.error, true); return; }
        box.querySelector("[data-tf-codes]").hidden = true;
        if (res.v.recovery_codes) showCodes(res.v.recovery_codes);
        say(action === "disable" ? "Two-step sign-in is off." : "New recovery codes: the old ones no longer work.");
        load();
      });
    });
    load();
  }

  // My Profile and the owner's account page: a new password, with the current one (and a code
  // when two-step sign-in is on). Other sessions end; this one stays.
  function passwordForm() {
    var box = document.querySelector("[data-password]");
    if (!box || !window.fetch) return;
    var form = box.querySelector("[data-password-form]");
    var notice = box.querySelector("[data-password-notice]");
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var body = { current: form.elements.current.value, password: form.elements.password.value, confirm: form.elements.confirm.value, two_factor_code: form.elements.two_factor_code.value };
      fetch(box.getAttribute("data-password") + "password", { method: "POST", credentials: "same-origin",
        headers: { "content-type": "application/json", "x-csrf-token": csrfToken() }, body: JSON.stringify(body) })
        .then(function (r) { return r.json().then(function (v) { return { ok: r.ok, v: v }; }); })
        .then(function (res) {
          notice.hidden = false;
          notice.className = res.ok ? "notice" : "notice error";
          notice.textContent = res.ok ? "Your password is changed. Every other browser is signed out." : res.v.error;
          if (res.ok) form.reset();
        });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    passwordForm();
    phoneMenu();
    payoutDetails();
    twoFactor();
    qrDownloads();
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      button.addEventListener("click", function () { copyFrom(button.getAttribute("data-copy"), button); });
    });

    // What has expired since the page was built is no longer offered (the redirect sends its
    // visitors to the fallback page); dates in the reader's language.
    var today = new Date().toISOString().slice(0, 10);
    document.querySelectorAll("[data-expires]").forEach(function (item) {
      if (item.getAttribute("data-expires") < today) item.remove();
    });
    var days = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" });
    document.querySelectorAll("time[datetime]").forEach(function (t) {
      var d = t.getAttribute("datetime");
      if (/^\d{4}-\d\d-\d\d$/.test(d) && t.textContent === d) t.textContent = days.format(new Date(d + "T00:00:00Z"));
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
