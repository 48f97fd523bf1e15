/* Partner Center tracking script. Include it on the store's pages:
 *   <script src="https://partners.example.com/pc.js" defer></script>
 * It keeps the click id and partner code of a partner link's landing URL in a first-party
 * cookie of the store's own domain for the cookie window, and hands them to the checkout:
 * Stripe Payment Links and Checkout links gain client_reference_id, Stripe Buy Buttons gain
 * client-reference-id, inputs named like the parameters are filled, forms marked
 * data-partner-center gain them as hidden inputs, and Shopify cart forms gain them as cart
 * attributes (they reach the order as note attributes). PartnerCenter.clickId() and
 * PartnerCenter.partner() are there for custom checkouts. No dependencies, no other cookies.
 * So that the owner can verify the install, it tells the portal once per browser session (and
 * whenever a partner link lands) that it runs on this domain, and whether the address carried
 * a click id; nothing else is sent. */
(function () {
  "use strict";
  var CLICK = __CLICK_PARAM__;
  var PARTNER = __PARTNER_PARAM__;
  var DAYS = __COOKIE_DAYS__;
  var COOKIE = "pc_ref";
  var STRIPE = /^https:\/\/(buy|checkout)\.stripe\.com\//;

  function read() {
    var parts = document.cookie.split(/;\s*/);
    for (var i = 0; i < parts.length; i++) {
      if (parts[i].indexOf(COOKIE + "=") === 0) {
        var value = decodeURIComponent(parts[i].slice(COOKIE.length + 1)).split(".");
        if (/^[0-9a-f]{24}$/.test(value[0])) {
          return { click: value[0], partner: /^[a-z0-9-]{1,32}$/.test(value[1] || "") ? value[1] : "" };
        }
      }
    }
    return null;
  }

  var query = new URLSearchParams(window.location.search);
  var click = (query.get(CLICK) || "").toLowerCase();
  if (/^[0-9a-f]{24}$/.test(click)) {
    var partner = (query.get(PARTNER) || "").toLowerCase();
    if (!/^[a-z0-9-]{1,32}$/.test(partner)) partner = "";
    document.cookie = COOKIE + "=" + encodeURIComponent(click + "." + partner) +
      "; Max-Age=" + DAYS * 86400 + "; Path=/; SameSite=Lax" +
      (window.location.protocol === "https:" ? "; Secure" : "");
  }
  var saved = read();

  // The install check: a beacon to the portal this script came from.
  var script = document.currentScript;
  function report(landed) {
    try {
      if (!landed && window.sessionStorage.getItem("pc_reported")) return;
      window.sessionStorage.setItem("pc_reported", "1");
      var body = landed ? JSON.stringify({ click: landed }) : "";
      navigator.sendBeacon(new URL("/api/v1/script-hit", script.src).toString(), new Blob([body], { type: "text/plain" }));
    } catch (e) { /* no storage or no beacon: the check is best effort */ }
  }
  if (script && script.src && navigator.sendBeacon) report(/^[0-9a-f]{24}$/.test(click) ? click : "");

  function values() {
    return [[CLICK, saved.click], [PARTNER, saved.partner]];
  }

  function decorateLink(a) {
    if (!saved || !STRIPE.test(a.href)) return;
    var url = new URL(a.href);
    if (!url.searchParams.has("client_reference_id")) {
      url.searchParams.set("client_reference_id", "pc_" + saved.click);
      a.href = url.toString();
    }
  }

  function hidden(form, name, value) {
    var input = form.querySelector('input[name="' + name + '"]');
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      form.appendChild(input);
    }
    if (!input.value) input.value = value;
  }

  function decorateForm(form) {
    if (!saved) return;
    var action = form.getAttribute("action") || "";
    var cart = /\/cart(\/add)?\/?(\?|$)/.test(action);
    values().forEach(function (pair) {
      if (!pair[1]) return;
      if (form.hasAttribute("data-partner-center")) hidden(form, pair[0], pair[1]);
      if (cart) hidden(form, "attributes[" + pair[0] + "]", pair[1]);
    });
  }

  function decorate(root) {
    if (!saved) return;
    values().forEach(function (pair) {
      var inputs = root.querySelectorAll('input[name="' + pair[0] + '"]');
      for (var i = 0; i < inputs.length; i++) if (!inputs[i].value) inputs[i].value = pair[1];
    });
    Array.prototype.forEach.call(root.querySelectorAll("a[href]"), decorateLink);
    Array.prototype.forEach.call(root.querySelectorAll("form"), decorateForm);
    Array.prototype.forEach.call(root.querySelectorAll("stripe-buy-button"), function (button) {
      if (!button.hasAttribute("client-reference-id")) {
        button.setAttribute("client-reference-id", "pc_" + saved.click);
      }
    });
  }

  window.PartnerCenter = {
    clickId: function () { return saved ? saved.click : null; },
    partner: function () { return saved && saved.partner ? saved.partner : null; },
    clientReferenceId: function () { return saved ? "pc_" + saved.click : null; },
    decorate: function () { decorate(document); }
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { decorate(document); });
  } else {
    decorate(document);
  }
  // Links and forms added later (single-page stores) are handled as they are used.
  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("a[href]");
    if (a) decorateLink(a);
  }, true);
  document.addEventListener("submit", function (e) {
    if (e.target.tagName === "FORM") decorateForm(e.target);
  }, true);
})();
