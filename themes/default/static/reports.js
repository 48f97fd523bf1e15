// Report pages: fills the summary cards, the chart, the breakdowns and the table of one report
// from the worker's API (/api/v1/me/<report>), for the chosen date range. No framework; no
// inline script (the page's CSP forbids it).
(function () {
  "use strict";

  var LABELS = {
    date: "Date", program: "Program", kind: "Entry", level: "Earned on", rule: "Rule", order: "Order",
    amount: "Amount", payable_from: "Payable from", status: "Status", lead: "Lead", link: "Link",
    sub_id: "Sub-id", commission: "Commission", type: "Type", product: "Product", customer: "Customer",
    clicks: "Clicks", entry: "Entry", detail: "Detail", balance: "Balance", sale_amount: "Sale amount", id: "Details"
  };
  // Amounts shown as money (MONEY: in the numeric column style too).
  var AS_MONEY = { amount: 1, commission: 1, balance: 1, sale_amount: 1 };
  var WRAP = { detail: 1, rule: 1, level: 1 };
  // Columns the CSV keeps but the page leaves out, because a line's words already say them.
  var HIDDEN = { ledger: { entry: 1, payable_from: 1 }, commissions: { program: 1, payable_from: 1 } };
  var MONEY = { amount: 1, commission: 1, balance: 1 };
  var PAGE = 25;
  var SVG = "http://www.w3.org/2000/svg";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function iso(d) { return d.toISOString().slice(0, 10); }

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

  function money(text, currency) {
    var n = Number(text);
    if (!isFinite(n)) return text;
    try { return new Intl.NumberFormat(undefined, { style: "currency", currency: currency }).format(n); }
    catch (e) { return text + " " + currency; }
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { accept: "application/json" } }).then(function (r) {
      if (r.status === 401) { window.location.href = "/login/?next=" + encodeURIComponent(window.location.pathname); throw new Error("signed out"); }
      return r.json().then(function (body) { if (!r.ok) throw new Error(body.error || ("HTTP " + r.status)); return body; });
    });
  }

  function card(label, value, hint) {
    var c = el("div", { "class": "stat" });
    c.appendChild(el("span", { "class": "stat-label" }, label));
    c.appendChild(el("strong", { "class": "stat-value" }, value));
    if (hint) c.appendChild(el("span", { "class": "stat-hint" }, hint));
    return c;
  }

  function renderSummary(root, s) {
    var box = root.querySelector("[data-summary]");
    box.textContent = "";
    var r = s.in_range, cur = s.currency;
    [
      card("Balance", money(s.balance, cur), "all time"),
      card("Payable now", money(s.payable, cur)),
      card("Pending", money(s.pending, cur), "in the hold period"),
      card("Paid to date", money(s.paid_to_date, cur)),
      Number(s.owed_back) > 0 ? card("Owed back", money(s.owed_back, cur), "refunds after payment, taken from your next earnings") : null,
      card("Earned", money(r.earned, cur), "in this period"),
      card("Clicks", String(r.clicks)),
      card("Leads", String(r.leads)),
      card("Sales", String(r.sales)),
      card("Conversion rate", r.conversion_rate + "%", "sales from clicks, per click")
    ].forEach(function (c) { if (c) box.appendChild(c); });
  }

  // Bars for clicks per day, a line for earnings per day (own scales), as accessible text too.
  function renderChart(root, s, report) {
    var wrap = root.querySelector("[data-chart]");
    var days = s.by_day || [];
    wrap.textContent = "";
    root.querySelector("[data-chart-card]").hidden = days.length === 0;
    if (!days.length) return;
    var width = 720, height = 200, pad = 28;
    var maxClicks = Math.max.apply(null, days.map(function (d) { return d.clicks; }).concat([1]));
    var earned = days.map(function (d) { return Number(d.earned); });
    var maxEarned = Math.max.apply(null, earned.map(Math.abs).concat([0.01]));
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 " + width + " " + height);
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", "Clicks and earnings per day");
    var step = (width - 2 * pad) / days.length;
    days.forEach(function (d, i) {
      var h = (d.clicks / maxClicks) * (height - 2 * pad);
      var bar = document.createElementNS(SVG, "rect");
      bar.setAttribute("x", String(pad + i * step + step * 0.15));
      bar.setAttribute("y", String(height - pad - h));
      bar.setAttribute("width", String(Math.max(step * 0.7, 1)));
      bar.setAttribute("height", String(h));
      bar.setAttribute("class", "bar");
      var title = document.createElementNS(SVG, "title");
      title.textContent = d.date + ": " + d.clicks + " clicks, " + money(d.earned, s.currency);
      bar.appendChild(title);
      svg.appendChild(bar);
    });
    var points = earned.map(function (e, i) {
      var y = height / 2 - (e / maxEarned) * (height / 2 - pad);
      return (pad + i * step + step / 2).toFixed(1) + "," + y.toFixed(1);
    }).join(" ");
    var line = document.createElementNS(SVG, "polyline");
    line.setAttribute("points", points);
    line.setAttribute("class", "line");
    svg.appendChild(line);
    wrap.appendChild(svg);
    var totalClicks = days.reduce(function (a, d) { return a + d.clicks; }, 0);
    root.querySelector("[data-chart-text]").textContent =
      totalClicks + " clicks and " + money(s.in_range.earned, s.currency) + " earned from " + s.from + " to " + s.to +
      " (bars: clicks per day; line: earnings per day).";
    if (report === "commissions" && s.by_program && s.by_program.length) {
      root.querySelector("[data-chart-text]").textContent += " By program: " +
        s.by_program.map(function (p) { return p.name + " " + money(p.earned, s.currency); }).join("; ") + ".";
    }
  }

  // A small table: the key column, then numbers (money where `money` says so).
  function miniTable(rows, columns, currency) {
    if (!rows.length) return el("p", { "class": "muted" }, "Nothing in this period.");
    var t = el("table");
    var head = el("tr");
    columns.forEach(function (c) { head.appendChild(el("th", { scope: "col" }, c.label)); });
    t.appendChild(el("thead")).appendChild(head);
    var body = t.appendChild(el("tbody"));
    rows.forEach(function (r) {
      var tr = el("tr");
      columns.forEach(function (c, i) {
        var v = r[c.key];
        var shown = i === 0 ? (v || c.none || "(none)") : (c.money ? money(v, currency) : String(v));
        tr.appendChild(el("td", i === 0 ? {} : { "class": "num" }, shown));
      });
      body.appendChild(tr);
    });
    return t;
  }

  var EARNINGS = [{ key: "clicks", label: "Clicks" }, { key: "leads", label: "Leads" }, { key: "sales", label: "Sales" },
                  { key: "earned", label: "Earned", money: true }, { key: "per_click", label: "Per click", money: true }];
  var DEVICES = { desktop: "Desktop", mobile: "Phone", tablet: "Tablet", other: "Other" };

  function fill(root, selector, node) {
    var box = root.querySelector(selector);
    box.textContent = "";
    box.appendChild(node);
  }

  function renderBreakdowns(root, s, report) {
    var show = report === "clicks" || report === "leads" || report === "sales";
    root.querySelector("[data-breakdowns]").hidden = !show;
    if (show) {
      fill(root, "[data-by-link]", miniTable(s.by_link || [], [{ key: "key", label: "Link", none: "(no link: coupon or direct)" }].concat(EARNINGS), s.currency));
      fill(root, "[data-by-sub]", miniTable(s.by_sub_id || [], [{ key: "key", label: "Sub-id" }].concat(EARNINGS), s.currency));
    }
    var clicks = report === "clicks";
    root.querySelector("[data-audience]").hidden = !clicks;
    root.querySelector("[data-filtered]").hidden = !clicks;
    if (!clicks) return;
    var count = [{ key: "clicks", label: "Clicks" }];
    fill(root, "[data-by-country]", miniTable(s.by_country || [], [{ key: "key", label: "Country", none: "(unknown)" }].concat(count), s.currency));
    fill(root, "[data-by-device]", miniTable((s.by_device || []).map(function (d) { return { key: DEVICES[d.key] || d.key, clicks: d.clicks }; }),
      [{ key: "key", label: "Device" }].concat(count), s.currency));
    fill(root, "[data-by-referrer]", miniTable(s.by_referrer || [], [{ key: "key", label: "Site", none: "(none: typed, an app or e-mail)" }].concat(count), s.currency));
    var filtered = s.filtered_clicks || [];
    var list = el("ul", { "class": "filtered-list" });
    filtered.forEach(function (f) {
      var li = el("li");
      li.appendChild(el("strong", {}, f.count + " × " + f.reason.replace(/_/g, " ")));
      li.appendChild(document.createTextNode(" — " + f.why + (f.example ? " (e.g. " + f.example + ")" : "")));
      list.appendChild(li);
    });
    fill(root, "[data-filtered-list]", filtered.length ? list : el("p", {}, "Every request in this period was counted."));
  }

  function renderPayable(root, s, report) {
    var box = root.querySelector("[data-payable-when]");
    box.hidden = report !== "ledger";
    var list = root.querySelector("[data-payable-list]");
    list.textContent = "";
    (s.next_payable || []).forEach(function (p) { list.appendChild(el("li", {}, money(p.amount, s.currency) + " on " + p.date)); });
    if (!list.children.length) list.appendChild(el("li", {}, "Nothing is waiting for its hold period to end."));
  }

  // One ledger line traced: click → conversion → rule → amount.
  function explain(root, id) {
    var box = root.querySelector("[data-explain]");
    var list = box.querySelector("dl");
    list.textContent = "";
    getJSON("/api/v1/me/ledger/" + encodeURIComponent(id)).then(function (x) {
      var cur = x.currency;
      var add = function (term, value) {
        if (value === null || value === undefined || value === "") return;
        list.appendChild(el("dt", {}, term));
        list.appendChild(el("dd", {}, value));
      };
      add("What", x.description);
      add("Amount", money(x.amount, cur) + " (" + x.status + ")");
      add("Payable from", x.payable_from);
      if (x.click) add("Click", (x.click.link || "") + (x.click.sub_id ? ", sub-id " + x.click.sub_id : "") + (x.click.at ? ", " + x.click.at : ""));
      if (x.conversion) add("Conversion", x.conversion.type + (x.conversion.order ? ", order " + x.conversion.order : "") +
        (x.conversion.amount ? ", " + money(x.conversion.amount, cur) : "") + ", " + x.conversion.date);
      if (x.referred_partner) add("Referred partner", x.referred_partner);
      if (x.rule) add("Rule", [x.rule.program, x.rule.rule].filter(Boolean).join(": ") +
        (x.rule.source ? " (" + x.rule.source + (x.rule.build ? ", build " + x.rule.build : "") + ")" : ""));
      if (x.reverses) add("Takes back from", "the line of " + x.reverses.date + " (" + money(x.reverses.amount, cur) + ")");
      if (x.corrects) add("Corrects", "the " + x.corrects.entry + " of " + x.corrects.date + " (" + money(x.corrects.amount, cur) + ")");
      if (!x.rule && x.source) add("Recorded in", x.source);
      box.hidden = false;
      box.focus();
    }).catch(function (e) {
      list.appendChild(el("dd", {}, "This line could not be explained: " + e.message));
      box.hidden = false;
    });
  }

  function Table(root) {
    this.root = root;
    this.rows = [];
    this.columns = [];
    this.page = 0;
    this.sort = null;
  }

  Table.prototype.load = function (data) {
    var hidden = HIDDEN[this.root.getAttribute("data-report")] || {};
    this.columns = data.columns.filter(function (c) { return !hidden[c]; });
    this.rows = data.rows;
    this.currency = data.currency;
    this.total = data.total_rows;
    this.page = 0;
    this.renderHead();
    this.render();
  };

  Table.prototype.renderHead = function () {
    var self = this;
    // The header row is made here: an empty row in the page would not be valid HTML.
    var head = this.root.querySelector("[data-table] thead");
    head.textContent = "";
    var tr = head.appendChild(el("tr"));
    this.columns.forEach(function (c) {
      var th = el("th", { scope: "col", "aria-sort": self.sort && self.sort.col === c ? self.sort.dir : "none" });
      var b = el("button", { type: "button", "class": "sort" }, LABELS[c] || c);
      b.addEventListener("click", function () { self.sortBy(c); });
      th.appendChild(b);
      tr.appendChild(th);
    });
  };

  Table.prototype.sortBy = function (col) {
    var dir = this.sort && this.sort.col === col && this.sort.dir === "ascending" ? "descending" : "ascending";
    this.sort = { col: col, dir: dir };
    var numeric = MONEY[col] || col === "clicks" || col === "level";
    this.rows.sort(function (a, b) {
      var x = a[col], y = b[col];
      var cmp = numeric ? Number(x) - Number(y) : String(x).localeCompare(String(y));
      return dir === "ascending" ? cmp : -cmp;
    });
    this.page = 0;
    this.renderHead();
    this.render();
    // The header is rebuilt: keep the keyboard on the column just sorted.
    var again = this.root.querySelector('[data-table] th[aria-sort="' + dir + '"] button');
    if (again) again.focus();
  };

  Table.prototype.render = function () {
    var self = this;
    var body = this.root.querySelector("[data-table] tbody");
    body.textContent = "";
    var start = this.page * PAGE;
    this.rows.slice(start, start + PAGE).forEach(function (row) {
      var tr = el("tr");
      self.columns.forEach(function (c) {
        var v = row[c];
        if (c === "id") {
          var td = el("td", { "data-label": "" });
          var b = el("button", { type: "button", "class": "button secondary explain" }, "Explain");
          b.addEventListener("click", function () { explain(self.root, v); });
          td.appendChild(b);
          tr.appendChild(td);
          return;
        }
        var shown = AS_MONEY[c] && v !== null && v !== "" ? money(v, self.currency) : (v === null ? "" : String(v));
        var cls = MONEY[c] ? "num" : (WRAP[c] ? "wrap" : "");
        var attrs = { "data-label": LABELS[c] || c };
        if (cls) attrs["class"] = cls;
        tr.appendChild(el("td", attrs, shown));
      });
      body.appendChild(tr);
    });
    var pages = Math.max(1, Math.ceil(this.rows.length / PAGE));
    var pager = this.root.querySelector("[data-pager]");
    pager.hidden = pages <= 1;
    this.root.querySelector("[data-page-label]").textContent = "Page " + (this.page + 1) + " of " + pages;
    this.root.querySelector("[data-prev]").disabled = this.page === 0;
    this.root.querySelector("[data-next]").disabled = this.page >= pages - 1;
    var count = this.total > this.rows.length ? this.rows.length + " of " + this.total + " rows (the CSV has them all)" : this.rows.length + " rows";
    this.root.querySelector("[data-count]").textContent = "(" + count + ")";
    this.root.querySelector("[data-empty]").hidden = this.rows.length > 0;
    this.root.querySelector(".table-wrap").hidden = this.rows.length === 0;
  };

  function start(root) {
    var report = root.getAttribute("data-report");
    var form = root.querySelector("[data-range]");
    var preset = root.querySelector("[data-preset]");
    var error = root.querySelector("[data-report-error]");
    var table = new Table(root);
    var params = new URLSearchParams(window.location.search);
    var initial = presetRange("30");
    form.elements.from.value = params.get("from") || initial.from;
    form.elements.to.value = params.get("to") || initial.to;
    if (params.get("from")) preset.value = "";

    function refresh() {
      var q = "from=" + encodeURIComponent(form.elements.from.value) + "&to=" + encodeURIComponent(form.elements.to.value);
      root.querySelector("[data-csv]").setAttribute("href", "/api/v1/me/" + report + "?format=csv&" + q);
      history.replaceState(null, "", "?" + q);
      error.hidden = true;
      root.setAttribute("aria-busy", "true");
      Promise.all([
        getJSON("/api/v1/me/summary?" + q),
        getJSON("/api/v1/me/" + report + "?per_page=500&" + q)
      ]).then(function (results) {
        renderSummary(root, results[0]);
        renderChart(root, results[0], report);
        renderBreakdowns(root, results[0], report);
        renderPayable(root, results[0], report);
        table.load(results[1]);
      }).catch(function (e) {
        error.textContent = "The report could not be loaded: " + e.message;
        error.hidden = false;
      }).then(function () { root.setAttribute("aria-busy", "false"); root.setAttribute("data-loaded", "true"); });
    }

    preset.addEventListener("change", function () {
      if (!preset.value) return;
      var r = presetRange(preset.value);
      form.elements.from.value = r.from;
      form.elements.to.value = r.to;
      refresh();
    });
    ["from", "to"].forEach(function (n) { form.elements[n].addEventListener("change", function () { preset.value = ""; }); });
    form.addEventListener("submit", function (e) { e.preventDefault(); refresh(); });
    root.querySelector("[data-prev]").addEventListener("click", function () { table.page -= 1; table.render(); });
    root.querySelector("[data-next]").addEventListener("click", function () { table.page += 1; table.render(); });
    refresh();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-report]").forEach(start);
  });
})();
