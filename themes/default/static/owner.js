// The owner's console: fills each page from the owner API (/api/v1/owner/…). No framework;
// no inline script (the CSP forbids it). Money comes as decimal strings and is only formatted.
(function () {
  "use strict";

  var root = document.querySelector("[data-console]");
  if (!root) return;
  var page = root.getAttribute("data-console");
  var role = root.getAttribute("data-role");
  var errorBox = document.querySelector("[data-console-error]");
  var currency = "USD";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function iso(d) { return d.toISOString().slice(0, 10); }
  function money(text) {
    var n = Number(text);
    if (!isFinite(n)) return text;
    try { return new Intl.NumberFormat(undefined, { style: "currency", currency: currency }).format(n); }
    catch (e) { return text + " " + currency; }
  }
  function count(n) { return Number(n).toLocaleString(); }
  // An ISO day as the reader's language writes it, kept readable in `datetime`.
  var DAY_FORMAT = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });
  function dayEl(text) { return el("time", { datetime: text }, DAY_FORMAT.format(new Date(text + "T00:00:00Z"))); }
  function csrf() { var i = document.querySelector("[data-csrf]"); return i ? i.value : ""; }
  function fail(message) { errorBox.textContent = message; errorBox.hidden = false; }
  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { accept: "application/json" } }).then(function (r) {
      if (r.status === 401) { window.location.href = "/owner/login/?next=" + encodeURIComponent(window.location.pathname); throw new Error("signed out"); }
      return r.json().then(function (body) { if (!r.ok) throw new Error(body.error || ("HTTP " + r.status)); if (body.currency) currency = body.currency; return body; });
    });
  }
  // POSTs JSON; a refusal is an Error with the API's message and its whole answer (`.answer`).
  function postJSON(url, body) {
    return fetch(url, { method: "POST", credentials: "same-origin", headers: { "content-type": "application/json", "x-csrf-token": csrf() }, body: JSON.stringify(body || {}) })
      .then(function (r) {
        return r.json().then(function (v) {
          if (!r.ok) { var e = new Error(v.error || ("HTTP " + r.status)); e.answer = v; throw e; }
          return v;
        });
      });
  }
  // Where a commit the console made can be seen: its short id, linked when the host has a page.
  function commitLink(commit) {
    var short = (commit.sha || "").slice(0, 7);
    if (!commit.url) return el("code", {}, short);
    var a = el("a", { href: commit.url, rel: "noopener" });
    a.appendChild(el("code", {}, short));
    return a;
  }
  function stat(box, label, value, hint) {
    var c = el("div", { "class": "stat" });
    c.appendChild(el("span", { "class": "stat-label" }, label));
    c.appendChild(el("strong", { "class": "stat-value" }, value));
    if (hint) c.appendChild(el("span", { "class": "stat-hint" }, hint));
    box.appendChild(c);
  }
  // A table: columns [key, label, kind] with kind "money", "num", "wrap" (long text) or text.
  function fillTable(table, columns, rows, onHead) {
    var head = table.querySelector("thead"), body = table.querySelector("tbody");
    head.textContent = ""; body.textContent = "";
    var tr = el("tr");
    columns.forEach(function (c) {
      var th = el("th", { scope: "col", "class": c[2] && c[2] !== "wrap" ? "num" : "" });
      if (onHead) {
        var b = el("button", { type: "button", "class": "sort", "data-sort": c[0] }, c[1]);
        b.addEventListener("click", function () { onHead(c[0]); });
        th.appendChild(b);
        th.setAttribute("aria-sort", onHead.sorted === c[0] ? (onHead.desc ? "descending" : "ascending") : "none");
      } else {
        th.textContent = c[1];
      }
      tr.appendChild(th);
    });
    head.appendChild(tr);
    rows.forEach(function (r) {
      var row = el("tr");
      columns.forEach(function (c) {
        var v = r[c[0]];
        var cell = el(c === columns[0] ? "th" : "td", c === columns[0] ? { scope: "row" } : { "class": c[2] === "wrap" ? "wrap" : c[2] ? "num" : "", "data-label": c[1] });
        if (c[3]) cell.appendChild(c[3](r));
        else if (typeof v === "string" && /^\d{4}-\d\d-\d\d$/.test(v)) cell.appendChild(dayEl(v));
        else cell.textContent = v === null || v === undefined ? "" : (c[2] === "money" ? money(v) : c[2] === "num" ? count(v) : v);
        row.appendChild(cell);
      });
      body.appendChild(row);
    });
  }
  function presetRange(value) {
    var now = new Date();
    var today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    var from = new Date(today), to = new Date(today);
    if (value === "month") { from.setUTCDate(1); }
    else if (value === "last-month") { from = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 1, 1)); to = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), 0)); }
    else if (value === "year") { from = new Date(Date.UTC(today.getUTCFullYear(), 0, 1)); }
    else { from.setUTCDate(from.getUTCDate() - (parseInt(value, 10) || 30) + 1); }
    return { from: iso(from), to: iso(to) };
  }
  // The date range form: calls `load(query)` now and on every change.
  function range(load) {
    var form = document.querySelector("[data-range]");
    var preset = form.querySelector("[data-preset]");
    function apply(v) { var r = presetRange(v); form.from.value = r.from; form.to.value = r.to; }
    apply(preset.value);
    function go() { load("from=" + form.from.value + "&to=" + form.to.value); }
    preset.addEventListener("change", function () { if (preset.value) { apply(preset.value); go(); } });
    form.addEventListener("submit", function (e) { e.preventDefault(); preset.value = ""; go(); });
    go();
  }
  function partnerLink(r) { return el("a", { href: "/owner/partners/" + encodeURIComponent(r.partner) + "/" }, r.partner); }

  // A partner's page: a payout change still waiting, and a freeze after "this wasn't me";
  // an admin cancels the change or lifts the freeze with a button.
  function payoutGuard(code, name, payout) {
    var box = document.querySelector("[data-payout-guard]");
    var item = function (text, label, path, done) {
      var p = el("p", { "class": "notice" }, text + " ");
      if (role === "admin") {
        var b = el("button", { type: "button", "class": "button secondary" }, label);
        b.addEventListener("click", function () {
          b.disabled = true;
          postJSON("/api/v1/owner/partners/" + code + "/" + path, {})
            .then(function () { p.textContent = done; })
            .catch(function (e) { b.disabled = false; fail(e.message); });
        });
        p.appendChild(b);
      }
      box.appendChild(p);
    };
    var c = payout.pending;
    if (c) {
      item("New payout details wait until " + c.applies_from + ": " + c.method + (c.details ? " " + c.details : "") + " (asked " + c.requested + ").",
        "Cancel this change", "payout-changes/" + c.id + "/cancel", "Cancelled: " + name + " is paid as before.");
    }
    if (payout.frozen_since) {
      item("Payout details are frozen since " + payout.frozen_since + " (the partner said a change was not theirs).",
        "Lift the freeze", "unfreeze", "The freeze is lifted.");
    }
  }

  // A partner's page: an adjustment (admins), committed once per form (its key).
  function adjustmentForm(code) {
    var box = document.querySelector("[data-adjust]");
    var form = box.querySelector("[data-adjust-form]");
    var out = box.querySelector("[data-adjust-result]");
    var newKey = function () { return Array.prototype.map.call(crypto.getRandomValues(new Uint8Array(6)), function (b) { return ("0" + b.toString(16)).slice(-2); }).join(""); };
    var key = newKey();
    box.hidden = false;
    form.addEventListener("input", function () { out.textContent = ""; });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var button = form.querySelector("button");
      button.disabled = true;
      out.textContent = "";
      postJSON("/api/v1/owner/partners/" + code + "/adjustments", { key: key, amount: form.amount.value.trim(), reason: form.reason.value, corrects: form.corrects.value,
        password: form.password.value, two_factor_code: form.two_factor_code.value })
        .then(function (v) {
          var p = el("p", { "class": "notice", "data-adjusted": "" });
          p.appendChild(document.createTextNode(money(v.amount) + " — “" + v.reason + "” — recorded in your repository ("));
          p.appendChild(v.commit.sha ? commitLink(v.commit) : el("span", {}, v.file));
          p.appendChild(document.createTextNode("). It shows in the ledger once it is deployed."));
          out.appendChild(p);
          form.reset();
          key = newKey();
        }, function (err) {
          form.password.value = "";
          throw err;
        })
        .catch(function (err) { out.appendChild(el("p", { "class": "notice error", role: "alert" }, err.message)); })
        .then(function () { button.disabled = false; });
    });
  }

  // Payouts: the run's candidates (ticked unless there is something to check first), the
  // payment files for the ticked partners, and Mark as paid (admins), which commits the run.
  function payoutRun() {
    var box = document.querySelector("[data-run]");
    getJSON("/api/v1/owner/payouts/plan").then(function (plan) {
      document.querySelector("[data-run-empty]").hidden = plan.candidates.length > 0;
      if (!plan.candidates.length) return;
      box.hidden = false;
      var admin = role === "admin";
      var table = box.querySelector("[data-candidates]");
      var tick = function (c) {
        var label = el("label", { "class": "tick" });
        var input = el("input", { type: "checkbox", name: "partner", value: c.partner, "aria-label": "Pay " + c.name });
        input.checked = c.chosen;
        input.disabled = !admin;
        label.appendChild(input);
        label.appendChild(el("span", {}, c.partner));
        return label;
      };
      plan.candidates.forEach(function (c) {
        c.check = c.flags.map(function (f) { return f.words; }).join("; ") || "—";
        c.pay_by = c.method ? c.method + (c.details ? ": " + c.details : "") : "—";
      });
      fillTable(table, [["partner", "Pay", null, tick], ["name", "Name"], ["amount", "Amount", "money"], ["pay_by", "Pay by", "wrap"], ["check", "Check first", "wrap"]], plan.candidates);
      var button = box.querySelector("[data-mark-paid]");
      button.hidden = !admin;
      box.querySelector("[data-admin-only]").hidden = !admin;
      var chosen = function () {
        return Array.prototype.map.call(table.querySelectorAll("input[name=partner]:checked"), function (i) { return i.value; });
      };
      var update = function () {
        var picked = chosen();
        var cents = plan.candidates.filter(function (c) { return picked.indexOf(c.partner) >= 0; })
          .reduce(function (t, c) { return t + Math.round(Number(c.amount) * 100); }, 0);
        box.querySelector("[data-run-total]").textContent = picked.length + " partner" + (picked.length === 1 ? "" : "s") + " chosen, " + money(cents / 100) + " in all.";
        box.querySelectorAll("[data-file]").forEach(function (a) {
          a.setAttribute("href", "/api/v1/owner/payable?format=" + a.getAttribute("data-file") + "&run=" + plan.run + "&partners=" + encodeURIComponent(picked.join(",")));
        });
        button.disabled = picked.length === 0;
      };
      table.addEventListener("change", update);
      update();
      box.querySelector("[data-run-form]").addEventListener("submit", function (e) {
        e.preventDefault();
        var out = box.querySelector("[data-run-result]");
        button.disabled = true;
        out.textContent = "";
        out.appendChild(el("p", { "class": "notice" }, "Recording the payouts…"));
        var form = box.querySelector("[data-run-form]");
        var proof = { partners: chosen(), password: form.password.value, two_factor_code: form.two_factor_code.value };
        form.password.value = "";
        postJSON("/api/v1/owner/payouts/runs/" + plan.run, proof).then(function (v) {
          out.textContent = "";
          var p = el("p", { "class": "notice", "data-marked": "" });
          p.appendChild(document.createTextNode(v.payouts.length + " payout" + (v.payouts.length === 1 ? "" : "s") + ", " + money(v.total) + " in all, recorded in your repository ("));
          p.appendChild(v.commit.sha ? commitLink(v.commit) : el("span", {}, v.file));
          p.appendChild(document.createTextNode("). Each partner sees theirs as paid once it is deployed."));
          out.appendChild(p);
          table.querySelectorAll("input").forEach(function (i) { i.disabled = true; });
        }).catch(function (err) {
          button.disabled = false;
          out.textContent = "";
          out.appendChild(el("p", { "class": "notice error", role: "alert" }, err.message));
        });
      });
    }).catch(function (e) { fail(e.message); });
  }

  // The code fields of the buttons that move money show when the owner's two-step sign-in is on.
  function ownerCodeFields() {
    if (!document.querySelector("[data-owner-code]")) return;
    getJSON("/api/v1/owner/me/two-factor").then(function (v) {
      document.querySelectorAll("[data-owner-code]").forEach(function (f) { f.hidden = !v.enabled; });
    }).catch(function () {});
  }

  var pages = {
    overview: function () {
      range(function (q) {
        getJSON("/api/v1/owner/overview?" + q).then(function (o) {
          var t = document.querySelector("[data-totals]"), b = document.querySelector("[data-balances]");
          t.textContent = ""; b.textContent = "";
          var s = o.in_range;
          stat(t, "Clicks", count(s.clicks), count(s.filtered_clicks) + " filtered (bots, prefetches)");
          stat(t, "Leads", count(s.leads));
          stat(t, "Sales", count(s.sales), count(s.subscription_payments) + " subscription payments");
          stat(t, "Revenue attributed", money(s.revenue), "less " + count(s.refunds) + " refunds");
          stat(t, "Commissions earned", money(s.earned), money(s.earnings_per_click) + " per click");
          stat(b, "Payable now", money(o.balances.payable), "to pay in the next run");
          stat(b, "Pending (in hold)", money(o.balances.pending), "until refunds can no longer come");
          stat(b, "Paid to date", money(o.balances.paid_to_date), "all payouts so far");
          stat(b, "Applications waiting", count(o.pending_applications), "to approve or reject");
          fillTable(document.querySelector("[data-by-day]"), [["date", "Date"], ["clicks", "Clicks", "num"], ["sales", "Sales", "num"], ["earned", "Commissions", "money"]], o.by_day.slice().reverse());
          fillTable(document.querySelector("[data-by-program]"), [["name", "Program"], ["clicks", "Clicks", "num"], ["sales", "Sales", "num"], ["sales_amount", "Sales amount", "money"], ["earned", "Commissions", "money"]], o.by_program);
        }).catch(function (e) { fail(e.message); });
      });
    },
    partners: function () {
      var state = { q: "", sort: "earned", desc: true, page: 1, range: "" };
      var table = document.querySelector("[data-partners]");
      var csv = document.querySelector("[data-csv]");
      var pager = document.querySelector("[data-pager]");
      function onHead(key) {
        if (state.sort === key) state.desc = !state.desc; else { state.sort = key; state.desc = ["partner", "name", "email", "status"].indexOf(key) < 0; }
        state.page = 1; load();
      }
      function load() {
        var q = state.range + "&q=" + encodeURIComponent(state.q) + "&sort=" + state.sort + "&dir=" + (state.desc ? "desc" : "asc");
        csv.setAttribute("href", "/api/v1/owner/partners?format=csv&" + q);
        getJSON("/api/v1/owner/partners?per_page=50&page=" + state.page + "&" + q).then(function (r) {
          onHead.sorted = state.sort; onHead.desc = state.desc;
          fillTable(table, [["partner", "Partner", null, partnerLink], ["name", "Name"], ["status", "Status"], ["clicks", "Clicks", "num"], ["sales", "Sales", "num"], ["revenue", "Revenue", "money"], ["earned", "Earned", "money"], ["epc", "EPC", "money"], ["payable", "Payable", "money"], ["balance", "Balance", "money"]], r.rows, onHead);
          document.querySelector("[data-count]").textContent = "(" + count(r.total_rows) + ")";
          var pages = Math.max(1, Math.ceil(r.total_rows / 50));
          pager.hidden = pages < 2;
          pager.querySelector("[data-page-label]").textContent = "Page " + state.page + " of " + pages;
          pager.querySelector("[data-prev]").disabled = state.page <= 1;
          pager.querySelector("[data-next]").disabled = state.page >= pages;
        }).catch(function (e) { fail(e.message); });
      }
      pager.querySelector("[data-prev]").addEventListener("click", function () { state.page -= 1; load(); });
      pager.querySelector("[data-next]").addEventListener("click", function () { state.page += 1; load(); });
      document.querySelector("[data-search]").addEventListener("submit", function (e) { e.preventDefault(); state.q = e.target.q.value; state.page = 1; load(); });
      range(function (q) { state.range = q; state.page = 1; load(); });
    },
    partner: function () {
      var code = document.querySelector("[data-partner-code]").getAttribute("data-partner-code");
      document.querySelector("[data-view-as]").setAttribute("href", "/owner/as/" + code + "/");
      getJSON("/api/v1/owner/partners/" + code).then(function (d) {
        var p = d.partner;
        document.querySelector("[data-console-title]").textContent = p.name + " (" + p.code + ")";
        var dl = document.querySelector("[data-details]");
        [["E-mail", p.email], ["Company", p.company], ["Phone", p.phone], ["Status", p.status], ["Referred by", p.parent],
         ["Programs", d.programs.map(function (x) { return x.name; }).join(", ")],
         ["Payout", d.payout.method ? d.payout.method + (d.payout.details ? ": " + d.payout.details : "") : "not given"]].forEach(function (x) {
          dl.appendChild(el("dt", {}, x[0])); dl.appendChild(el("dd", {}, x[1] || "—"));
        });
        payoutGuard(code, p.name, d.payout);
        fillTable(document.querySelector("[data-links]"), [["slug", "Link"], ["path", "Address"], ["target", "Goes to"]], d.links);
        var ul = document.querySelector("[data-activity]");
        if (!d.activity.length) ul.appendChild(el("li", {}, "Nothing yet."));
        d.activity.forEach(function (a) { ul.appendChild(el("li", {}, new Date(a.at * 1000).toLocaleString() + " — " + a.owner + " " + a.action)); });
      }).catch(function (e) { fail(e.message); });
      getJSON("/api/v1/owner/as/" + code + "/summary").then(function (s) {
        var b = document.querySelector("[data-balances]");
        stat(b, "Payable", money(s.payable)); stat(b, "Pending", money(s.pending));
        stat(b, "Paid to date", money(s.paid_to_date)); stat(b, "Earned to date", money(s.earned_to_date));
      }).catch(function (e) { fail(e.message); });
      if (role === "admin") adjustmentForm(code);
      var since = "from=" + iso(new Date(Date.now() - 3 * 365 * 86400000));
      document.querySelector("[data-ledger-csv]").setAttribute("href", "/api/v1/owner/as/" + code + "/ledger?format=csv&" + since);
      getJSON("/api/v1/owner/as/" + code + "/ledger?per_page=500&" + since).then(function (r) {
        // The newest 50 lines (the API's order); the whole ledger is the CSV.
        fillTable(document.querySelector("[data-ledger]"), [["date", "Date"], ["entry", "Entry"], ["detail", "Detail", "wrap"], ["amount", "Amount", "money"], ["status", "Status", "wrap"], ["balance", "Balance", "money"]], r.rows.slice(0, 50));
      }).catch(function (e) { fail(e.message); });
    },
    applications: function () {
      var box = document.querySelector("[data-applications]");
      getJSON("/api/v1/owner/applications").then(function (r) {
        document.querySelector("[data-empty]").hidden = r.applications.length > 0;
        r.applications.forEach(function (a) {
          var card = el("section", { "class": "card application", "data-application": a.code });
          card.appendChild(el("h2", {}, a.name + " — " + a.code));
          var dl = el("dl", { "class": "details" });
          [["E-mail", a.email], ["Company", a.company], ["Website", a.website], ["Phone", a.phone], ["How they promote", a.promotion],
           ["Programs", (a.programs || []).join(", ")], ["Applied", new Date(a.created_at * 1000).toLocaleString()],
           ["Recruited by", a.referred_by ? a.referred_by + " (their second tier, once approved)" : ""]].forEach(function (x) {
            dl.appendChild(el("dt", {}, x[0])); dl.appendChild(el("dd", {}, x[1] || "—"));
          });
          card.appendChild(dl);
          // risk.yaml's rules that fired on the application, in their words.
          if (a.flags && a.flags.length) {
            card.appendChild(el("p", { "class": "notice", "data-flags": "" }, "Check first: " + a.flags.map(function (f) { return f.reason; }).join(" ")));
          }
          var out = el("div", { "class": "stack", "aria-live": "polite" });
          if (role === "admin") {
            var form = el("form", { "class": "stack" });
            var id = "reason-" + a.code;
            var field = el("div", { "class": "field" });
            field.appendChild(el("label", { "for": id }, "Reason, if you reject (the applicant reads it)"));
            field.appendChild(el("textarea", { id: id, name: "reason", rows: "2", maxlength: "1000" }));
            form.appendChild(field);
            var approve = el("button", { type: "button", "class": "button primary", "data-approve": a.code }, "Approve");
            var reject = el("button", { type: "button", "class": "button secondary", "data-reject": a.code }, "Reject");
            var row = el("p", { "class": "actions" }); row.appendChild(approve); row.appendChild(reject); form.appendChild(row);
            card.appendChild(form);
            var decide = function (action) {
              approve.disabled = reject.disabled = true;
              out.textContent = "";
              out.appendChild(el("p", { "class": "notice" }, action === "approve" ? "Committing " + a.code + "'s partner file…" : "Rejecting…"));
              postJSON("/api/v1/owner/applications/" + a.code + "/" + action, { reason: form.reason.value }).then(function (v) {
                form.remove();
                out.textContent = "";
                if (v.status === "approved") {
                  var p = el("p", { "class": "notice", "data-committed": "" });
                  p.appendChild(document.createTextNode(v.commit && v.commit.already ? "Approved: their file was already in your repository (" : "Approved and committed to your repository ("));
                  if (v.commit) p.appendChild(commitLink(v.commit));
                  p.appendChild(document.createTextNode("). Their portal opens with the next deploy; they get their welcome e-mail then."));
                  out.appendChild(p);
                } else {
                  out.appendChild(el("p", { "class": "notice" }, "Rejected; the applicant was e-mailed."));
                }
              }).catch(function (e) {
                approve.disabled = reject.disabled = false;
                out.textContent = "";
                var conflict = e.answer && e.answer.theirs !== undefined;
                out.appendChild(el("p", { "class": "notice error", role: "alert" }, e.message));
                if (conflict) {
                  out.appendChild(el("p", {}, "In your repository now:"));
                  out.appendChild(el("pre", { "class": "code" }, e.answer.theirs));
                  out.appendChild(el("p", {}, "From this application:"));
                  out.appendChild(el("pre", { "class": "code" }, e.answer.ours));
                }
              });
            };
            approve.addEventListener("click", function () { decide("approve"); });
            reject.addEventListener("click", function () { decide("reject"); });
          } else {
            out.appendChild(el("p", { "class": "muted" }, "Only an admin can approve or reject."));
          }
          card.appendChild(out);
          box.appendChild(card);
        });
        var recent = document.querySelector("[data-approved]");
        recent.hidden = r.approved.length === 0;
        r.approved.forEach(function (x) {
          x.when = new Date(x.decided_at * 1000).toLocaleDateString();
          x.state = x.live ? "Live" : "Waiting for the deploy";
        });
        fillTable(recent.querySelector("table"), [["code", "Partner"], ["name", "Name"], ["when", "Approved"], ["decided_by", "By"], ["commit", "Commit", null, function (x) { return x.commit_sha ? commitLink({ sha: x.commit_sha, url: x.commit_url }) : document.createTextNode("—"); }], ["state", "State"]], r.approved);
      }).catch(function (e) { fail(e.message); });
    },
    payouts: function () {
      payoutRun();
      getJSON("/api/v1/owner/payable").then(function (r) {
        document.querySelector("[data-empty]").hidden = r.rows.length > 0;
        var sum = function (k) { return r.rows.reduce(function (t, x) { return t + Math.round(Number(x[k]) * 100); }, 0) / 100; };
        var t = document.querySelector("[data-totals]");
        stat(t, "Payable now", money(sum("payable")), r.rows.filter(function (x) { return Number(x.payable) > 0; }).length + " partners");
        stat(t, "Pending", money(sum("pending")));
        stat(t, "Owed back", money(sum("owed_back")));
        fillTable(document.querySelector("[data-payable]"), [["partner", "Partner", null, partnerLink], ["name", "Name"], ["payout_method", "Method"], ["payout_details", "Pay to"], ["payable", "Payable", "money"], ["pending", "Pending", "money"], ["owed_back", "Owed back", "money"]], r.rows);
      }).catch(function (e) { fail(e.message); });
    },
    risk: function () {
      var box = document.querySelector("[data-decide]");
      var form = box.querySelector("[data-decide-form]");
      var out = box.querySelector("[data-decide-result]");
      var chosen = null;
      var STATE = { hold: "Decided", block: "Not credited", watch: "Watched" };
      function decideButton(x) {
        if (!x.under_review) return document.createTextNode(STATE[x.band] || x.band);
        if (role !== "admin") return document.createTextNode("Under review");
        var b = el("button", { type: "button", "class": "button secondary", "aria-label": "Decide on " + x.id }, "Decide");
        b.addEventListener("click", function () {
          chosen = x.id;
          box.querySelector("[data-decide-what]").textContent = x.id + " (" + x.partner + ")";
          out.textContent = "";
          box.hidden = false;
          form.note.focus();
        });
        return b;
      }
      var clearBox = document.querySelector("[data-clear]");
      var clearForm = clearBox.querySelector("[data-clear-form]");
      var clearOut = clearBox.querySelector("[data-clear-result]");
      var clearing = null;
      function clearButton(p) {
        if (role !== "admin") return document.createTextNode("");
        var b = el("button", { type: "button", "class": "button secondary", "aria-label": "Clear " + p.partner }, "Clear");
        b.addEventListener("click", function () {
          clearing = p.partner;
          clearBox.querySelector("[data-clear-what]").textContent = p.partner;
          clearOut.textContent = "";
          clearBox.hidden = false;
          clearForm.note.focus();
        });
        return b;
      }
      clearForm.addEventListener("submit", function (ev) {
        ev.preventDefault();
        var proof = { note: clearForm.note.value, password: clearForm.password.value, two_factor_code: clearForm.two_factor_code.value };
        clearForm.password.value = "";
        postJSON("/api/v1/owner/partners/" + encodeURIComponent(clearing) + "/risk/clear", proof).then(function (v) {
          clearOut.textContent = "";
          clearOut.appendChild(el("p", { "class": "notice", "data-cleared": "" }, clearing + ": cleared (" + v.cleared.join(", ") + ")."));
          clearForm.note.value = "";
          load();
        }).catch(function (e) { clearOut.textContent = ""; clearOut.appendChild(el("p", { "class": "notice error", role: "alert" }, e.message)); });
      });
      function load() {
        getJSON("/api/v1/owner/risk").then(function (r) {
          document.querySelector("[data-partners-empty]").hidden = r.partners.length > 0;
          document.querySelector("[data-flagged-partners]").closest(".table-wrap").hidden = !r.partners.length;
          r.partners.forEach(function (p) {
            p.rated = p.band + " (" + p.score + ")";
            p.why = p.fired.map(function (f) { return f.reason + (f.detail ? " (" + f.detail + ")" : "") + (f.times > 1 ? " ×" + f.times : ""); }).join(" ");
            p.since = new Date(Math.max.apply(null, p.fired.map(function (f) { return f.last_at; })) * 1000).toLocaleDateString();
          });
          fillTable(document.querySelector("[data-flagged-partners]"), [["partner", "Partner", null, partnerLink], ["rated", "Band"],
            ["why", "Why", "wrap"], ["since", "Last"], ["clear", "Action", null, clearButton]], r.partners);
          document.querySelector("[data-empty]").hidden = r.conversions.length > 0;
          document.querySelector("[data-flagged]").closest(".table-wrap").hidden = !r.conversions.length;
          r.conversions.forEach(function (x) {
            x.when = new Date(x.occurred_at * 1000).toLocaleDateString();
            x.why = x.fired.map(function (f) { return f.reason; }).join(" ");
            x.rated = x.band + " (" + x.score + ")";
          });
          fillTable(document.querySelector("[data-flagged]"), [["id", "Conversion"], ["partner", "Partner", null, partnerLink], ["when", "Date"],
            ["amount", "Amount", "money"], ["rated", "Band"], ["why", "Why", "wrap"], ["state", "State", null, decideButton]], r.conversions);
        }).catch(function (e) { fail(e.message); });
      }
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        var decision = ev.submitter && ev.submitter.value === "reverse" ? "reverse" : "release";
        var proof = { note: form.note.value, password: form.password.value, two_factor_code: form.two_factor_code.value };
        form.password.value = "";
        postJSON("/api/v1/owner/conversions/" + encodeURIComponent(chosen) + "/" + decision, proof).then(function (v) {
          out.textContent = "";
          out.appendChild(el("p", { "class": "notice", "data-decided": "" }, chosen + ": " + v.decision + (v.payable_at ? ", payable from " + new Date(v.payable_at * 1000).toLocaleDateString() : "") + "."));
          form.note.value = "";
          load();
        }).catch(function (e) { out.textContent = ""; out.appendChild(el("p", { "class": "notice error", role: "alert" }, e.message)); });
      });
      load();
    },
    setup: function () {
      var when = function (t) { return t ? new Date(t * 1000).toLocaleString() : "—"; };
      var OUTCOMES = { recorded: "Recorded", duplicate: "Recorded (sent again)", remembered: "Payment noted", ignored: "Ignored",
        refused: "Refused", "not configured": "Refused: its secret is not set here" };
      getJSON("/api/v1/owner/setup").then(function (r) {
        document.querySelector("[data-script-tag]").textContent = '<script src="' + r.script_url + '" defer></script>';
        r.script_hits.forEach(function (h) {
          h.seen = when(h.seen_at);
          h.click = !h.click_id ? "No click id yet" : h.click_known
            ? "Yes, " + when(h.click_at) + " (a click of " + (h.partner || "a partner") + ")"
            : "A click id we do not know (" + when(h.click_at) + "): check the link's landing page";
        });
        document.querySelector("[data-hits-empty]").hidden = r.script_hits.length > 0;
        fillTable(document.querySelector("[data-script-hits]"), [["domain", "Store domain"], ["seen", "Last seen"], ["click", "Partner link landed", "wrap"]], r.script_hits);
        r.integrations.forEach(function (i) {
          var d = i.last;
          i.state = i.configured ? "Set" : "Not set (" + i.secret + ")";
          i.received = d ? (d.event_type || "A request") + (d.test ? " (test)" : "") + ", " + when(d.received_at) : "Nothing yet";
          i.became = !d ? "—" : (OUTCOMES[d.outcome] || d.outcome) +
            (d.partner ? ": " + d.partner + " by " + d.detail : d.detail ? ": " + d.detail : "");
        });
        // An address breaks after a slash, never inside a word.
        var address = function (i) {
          var parts = i.url.split("/"), text = document.createDocumentFragment();
          parts.forEach(function (part, n) {
            text.appendChild(document.createTextNode(part + (n < parts.length - 1 ? "/" : "")));
            if (n < parts.length - 1) text.appendChild(el("wbr"));
          });
          return text;
        };
        fillTable(document.querySelector("[data-integrations]"), [["label", "Integration"], ["url", "Webhook address", "wrap", address], ["state", "Secret"], ["received", "Last received", "wrap"], ["became", "What became of it", "wrap"]], r.integrations);
        r.test_events.forEach(function (t) {
          t.when = when(t.received_at);
          t.by = t.partner ? t.partner + " (" + t.attribution + ")" : "nobody (" + t.attribution + ")";
        });
        document.querySelector("[data-tests-empty]").hidden = r.test_events.length > 0;
        fillTable(document.querySelector("[data-test-events]"), [["when", "Received"], ["type", "Type"], ["order_id", "Order", "wrap"], ["by", "Attributed to"], ["amount", "Amount", "money"], ["earned", "Commissions (test)", "money"]], r.test_events);
      }).catch(function (e) { fail(e.message); });
    },
    activity: function () {
      getJSON("/api/v1/owner/activity").then(function (r) {
        r.activity.forEach(function (a) { a.when = new Date(a.at * 1000).toLocaleString(); });
        fillTable(document.querySelector("[data-activity-log]"), [["when", "When"], ["owner", "Who"], ["action", "Did", "wrap"], ["subject", "About", "wrap"]], r.activity);
      }).catch(function (e) { fail(e.message); });
    }
  };
  if (pages[page]) pages[page]();
  ownerCodeFields();
})();
