// Report pages: fills the summary cards, the chart, the breakdowns and the table of one report
// from the worker's API (/api/v1/me/<report>), for the chosen date range. No framework; no
// inline script (the page's CSP forbids it).
(function () {
  "use strict";
  // The API the page reads: the partner's own, or (viewed by an owner) the view-as API.
  var API = document.body.getAttribute("data-api") || "/api/v1/me/";

  var LABELS = {
    date: "Date", program: "Program", kind: "Entry", level: "Earned on", rule: "Rule", order: "Order",
    amount: "Amount", payable_from: "Payable from", status: "Status", lead: "Lead", link: "Link",
    sub_id: "Sub-id", commission: "Commission", type: "Type", product: "Product", customer: "Customer",
    clicks: "Clicks", entry: "Entry", detail: "Detail", balance: "Balance", sale_amount: "Sale amount", id: "Details"
  };
  // Amounts shown as money (MONEY: in the numeric column style too).
  var AS_MONEY = { amount: 1, commission: 1, balance: 1, sale_amount: 1 };
  var WRAP = { detail: 1, rule: 1, level: 1, order: 1, customer: 1, status: 1, type: 1 };
  // Columns the CSV keeps but the page leaves out, because a line's words already say them.
  var HIDDEN = { ledger: { entry: 1, payable_from: 1 }, commissions: { program: 1, payable_from: 1, kind: 1, review: 1 }, sales: { product: 1, link: 1 } };
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

  // Dates in the partner's language ("Dec 3, 2026", "3 déc. 2026"); the API's are ISO days (UTC).
  var DAY_FORMAT = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });
  var SHORT_DAY = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", timeZone: "UTC" });
  var MOMENT = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
  function isDay(text) { return typeof text === "string" && /^\d{4}-\d\d-\d\d$/.test(text); }
  function day(text) { return isDay(text) ? DAY_FORMAT.format(new Date(text + "T00:00:00Z")) : text; }
  function shortDay(text) { return isDay(text) ? SHORT_DAY.format(new Date(text + "T00:00:00Z")) : text; }
  function moment(text) { var t = new Date(text); return text && isFinite(t) ? MOMENT.format(t) : text; }
  // A date a script or a test can read as it is, shown as the partner reads it.
  // The server's sentences name days as ISO dates: shown in the partner's language too.
  function daysInWords(text) { return typeof text === "string" ? text.replace(/\b\d{4}-\d\d-\d\d\b/g, day) : text; }
  function timeEl(text) { return isDay(text) ? el("time", { datetime: text }, day(text)) : document.createTextNode(text || ""); }

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
      if (r.status === 401) { if (document.body.hasAttribute("data-view-as")) { window.location.href = "/owner/login/"; throw new Error("signed out"); }
      window.location.href = "/login/?next=" + encodeURIComponent(window.location.pathname); throw new Error("signed out"); }
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
    // Always the same ten cards (the page holds their places while it loads: nothing jumps).
    [
      card("Balance (unpaid)", money(s.balance, cur), "not paid out yet"),
      card("Payable now", money(s.payable, cur), "paid with the next payout"),
      card("Pending", money(s.pending, cur), "in the hold period"),
      card("Under review", money(s.under_review, cur), "checked by the program before it becomes payable"),
      card("Paid to date", money(s.paid_to_date, cur), Number(s.owed_back) > 0
        ? money(s.owed_back, cur) + " owed back: refunds after payment, taken from your next earnings" : "all payouts so far"),
      card("Earned", money(r.earned, cur), "in this period"),
      card("Clicks", String(r.clicks)),
      card("Leads", String(r.leads)),
      card("Sales", String(r.sales)),
      card("Conversion rate", r.conversion_rate + "%", "sales from clicks, per click")
    ].forEach(function (c) { if (c) box.appendChild(c); });
  }

  function svgEl(tag, attrs, text) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // A "nice" top for an axis: 1, 2 or 5 times a power of ten, at least `max`.
  function niceTop(max) {
    if (max <= 0) return 1;
    var p = Math.pow(10, Math.floor(Math.log10(max)));
    var steps = [1, 2, 2.5, 5, 10];
    for (var i = 0; i < steps.length; i++) if (steps[i] * p >= max) return steps[i] * p;
    return 10 * p;
  }

  // Bars per day with a labelled value axis (money or counts) and dates along the bottom.
  function barChart(box, days, value, format, label) {
    var width = Math.max(box.clientWidth || 320, 280);
    var phone = width < 560;
    var height = phone ? 200 : 240;
    var left = phone ? 54 : 70, right = 12, top = 14, bottom = 26;
    var values = days.map(value);
    var max = Math.max.apply(null, values.concat([0]));
    var min = Math.min.apply(null, values.concat([0]));
    var hi = niceTop(max), lo = min < 0 ? -niceTop(-min) : 0;
    var plotH = height - top - bottom, plotW = width - left - right;
    var y = function (v) { return top + (hi - v) / (hi - lo) * plotH; };
    var svg = svgEl("svg", { width: String(width), height: String(height), viewBox: "0 0 " + width + " " + height,
      role: "img", "aria-label": label + " from " + day(days[0].date) + " until " + day(days[days.length - 1].date), "class": "chart-svg" });
    // Value axis: gridlines and labels at zero, half and the top (and the bottom when below
    // zero, unless it would sit on the zero label).
    var marks = [0, hi / 2, hi];
    if (lo < 0 && y(lo) - y(0) > 14) marks.push(lo);
    marks.forEach(function (v) {
      svg.appendChild(svgEl("line", { x1: String(left), x2: String(width - right), y1: y(v).toFixed(1), y2: y(v).toFixed(1), "class": v === 0 ? "axis" : "grid" }));
      svg.appendChild(svgEl("text", { x: String(left - 6), y: (y(v) + 4).toFixed(1), "text-anchor": "end", "class": "axis-label y" }, format(v)));
    });
    var step = plotW / days.length;
    days.forEach(function (d, i) {
      var v = values[i];
      var top0 = y(Math.max(v, 0)), h = Math.abs(y(v) - y(0));
      var bar = svgEl("rect", { x: (left + i * step + step * 0.15).toFixed(1), y: top0.toFixed(1), width: Math.max(step * 0.7, 1).toFixed(1),
        height: Math.max(h, v === 0 ? 0 : 1).toFixed(1), "class": v < 0 ? "bar negative" : "bar" });
      bar.appendChild(svgEl("title", {}, day(d.date) + ": " + format(v)));
      svg.appendChild(bar);
    });
    // Dates: first, middle and last day (more on wide screens).
    var ticks = phone ? 3 : 5;
    for (var t = 0; t < ticks; t++) {
      var i = Math.round(t * (days.length - 1) / (ticks - 1));
      var x = left + i * step + step / 2;
      var anchor = t === 0 ? "start" : (t === ticks - 1 ? "end" : "middle");
      svg.appendChild(svgEl("text", { x: x.toFixed(1), y: String(height - bottom + 18), "text-anchor": anchor, "class": "axis-label x" }, shortDay(days[i].date)));
    }
    box.appendChild(svg);
  }

  // The same figures as a table, for screen readers and for reading exact values.
  function chartTable(days, columns) {
    var details = el("details", { "class": "chart-table" });
    details.appendChild(el("summary", {}, "Show as a table"));
    var t = el("table");
    var head = el("tr");
    ["Date"].concat(columns.map(function (c) { return c.label; })).forEach(function (h) { head.appendChild(el("th", { scope: "col" }, h)); });
    t.appendChild(el("thead")).appendChild(head);
    var body = t.appendChild(el("tbody"));
    days.forEach(function (d) {
      var tr = el("tr");
      tr.appendChild(el("td", {})).appendChild(timeEl(d.date));
      columns.forEach(function (c) { tr.appendChild(el("td", { "class": "num" }, c.format(d))); });
      body.appendChild(tr);
    });
    details.appendChild(t);
    return details;
  }

  // Each report gets the chart that fits it: clicks per day on Clicks, a clicks → leads →
  // sales funnel on Lead Tracking, earnings per day elsewhere.
  function renderChart(root, s, report) {
    var wrap = root.querySelector("[data-chart]");
    var days = s.by_day || [];
    wrap.textContent = "";
    if (!days.length) return;
    var title = root.querySelector("[data-chart-title]");
    var text = root.querySelector("[data-chart-text]");
    var r = s.in_range;
    var cur = s.currency;
    var asMoney = function (v) { return money(String(v), cur).replace(/\.00$/, ""); };
    if (report === "leads") {
      title.textContent = "From clicks to sales";
      var steps = [["Clicks", r.clicks], ["Leads", r.leads], ["Sales", r.sales]];
      var top = Math.max(r.clicks, r.leads, r.sales, 1);
      var list = el("ol", { "class": "funnel" });
      steps.forEach(function (st) {
        var li = el("li");
        li.appendChild(el("span", { "class": "funnel-label" }, st[0]));
        var bar = el("span", { "class": "funnel-bar" });
        bar.appendChild(el("span", { "class": "funnel-fill", "data-width": String(Math.round(st[1] / top * 100)) }));
        li.appendChild(bar);
        li.appendChild(el("strong", { "class": "funnel-value" }, String(st[1])));
        list.appendChild(li);
      });
      wrap.appendChild(list);
      // Widths from the script (the page's CSP allows no inline styles in the markup).
      list.querySelectorAll(".funnel-fill").forEach(function (f) { f.style.width = f.getAttribute("data-width") + "%"; });
      text.textContent = r.clicks + " clicks, " + r.leads + " leads and " + r.sales + " sales from " + day(s.from) + " to " + day(s.to) + ".";
      return;
    }
    if (report === "clicks") {
      title.textContent = "Clicks per day";
      barChart(wrap, days, function (d) { return d.clicks; }, function (v) { return String(Math.round(v)); }, "Clicks per day");
      wrap.appendChild(chartTable(days, [{ label: "Clicks", format: function (d) { return String(d.clicks); } }]));
      text.textContent = r.clicks + " clicks from " + day(s.from) + " to " + day(s.to) + ".";
      return;
    }
    title.textContent = "Earnings per day";
    barChart(wrap, days, function (d) { return Number(d.earned); }, asMoney, "Earnings per day");
    wrap.appendChild(chartTable(days, [{ label: "Earned", format: function (d) { return money(d.earned, cur); } },
                                       { label: "Clicks", format: function (d) { return String(d.clicks); } }]));
    text.textContent = money(r.earned, cur) + " earned from " + day(s.from) + " to " + day(s.to) + " (refunds count on the day they happen).";
    if (report === "commissions" && s.by_program && s.by_program.length) {
      text.textContent += " By program: " + s.by_program.map(function (p) { return p.name + " " + money(p.earned, cur); }).join("; ") + ".";
    }
  }

  // A small table: the key column, then numbers (money where `money` says so).
  // On a phone each row is a card (data-cards), each value with its column's name.
  function miniTable(rows, columns, currency) {
    if (!rows.length) return el("p", { "class": "muted" }, "Nothing in this period.");
    var t = el("table", { "data-cards": "" });
    var head = el("tr");
    columns.forEach(function (c, i) { head.appendChild(el("th", i === 0 ? { scope: "col" } : { scope: "col", "class": "num" }, c.label)); });
    t.appendChild(el("thead")).appendChild(head);
    var body = t.appendChild(el("tbody"));
    rows.forEach(function (r) {
      var tr = el("tr");
      columns.forEach(function (c, i) {
        var v = r[c.key];
        if (i === 0) { tr.appendChild(el("th", { scope: "row" }, v || c.none || "(none)")); return; }
        tr.appendChild(el("td", { "class": "num", "data-label": c.label }, c.money ? money(v, currency) : String(v)));
      });
      body.appendChild(tr);
    });
    return t;
  }

  // The row of what came through no link (or no sub-id): the rows add up to what was earned.
  var NO_LINK = "(no link: second tier, coupons, adjustments)";
  var NO_SUB = "(no sub-id, or no link)";
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
      fill(root, "[data-by-link]", miniTable(s.by_link || [], [{ key: "key", label: "Link", none: NO_LINK }].concat(EARNINGS), s.currency));
      fill(root, "[data-by-sub]", miniTable(s.by_sub_id || [], [{ key: "key", label: "Sub-id", none: NO_SUB }].concat(EARNINGS), s.currency));
    }
    var clicks = report === "clicks";
    root.querySelector("[data-audience]").hidden = !clicks;
    root.querySelector("[data-filtered]").hidden = !clicks;
    if (!clicks) return;
    var count = [{ key: "clicks", label: "Clicks" }];
    // Countries by name, in the visitor's language ("DE" → "Germany").
    var regions = null;
    try { regions = new Intl.DisplayNames(undefined, { type: "region" }); } catch (e) { /* codes, then */ }
    var countryName = function (code) { try { return regions && code ? regions.of(code) : code; } catch (e) { return code; } };
    fill(root, "[data-by-country]", miniTable((s.by_country || []).map(function (c) { return { key: countryName(c.key), clicks: c.clicks }; }),
      [{ key: "key", label: "Country", none: "(unknown)" }].concat(count), s.currency));
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
    var box = el("div");
    box.appendChild(filtered.length ? list : el("p", {}, "Every request in this period was counted."));
    // Repeat visits are counted (the visitor can still buy), but said, so totals are clear.
    var repeats = s.in_range.clicks - (s.in_range.unique_visitors || s.in_range.clicks);
    if (repeats > 0) {
      box.appendChild(el("p", { "class": "muted" }, "Counted, for the record: " + repeats + " of your " + s.in_range.clicks +
        " clicks came from someone who had already clicked that day (" + s.in_range.unique_visitors + " people a day in all)."));
    }
    fill(root, "[data-filtered-list]", box);
  }

  function renderPayable(root, s, report) {
    var box = root.querySelector("[data-payable-when]");
    box.hidden = report !== "ledger";
    var list = root.querySelector("[data-payable-list]");
    list.textContent = "";
    (s.next_payable || []).forEach(function (p) { list.appendChild(el("li", {}, money(p.amount, s.currency) + " on " + day(p.date))); });
    if (!list.children.length) list.appendChild(el("li", {}, "Nothing is waiting for its hold period to end."));
  }

  // What a line's status means, in words.
  var STATUS_WORDS = {
    pending: "pending: in its hold period, for refunds", payable: "payable: paid with the next payout", paid: "paid",
    "under review": "under review: checked by the program before it becomes payable", released: "released after review",
    "reduces pending": "taken from what is pending", "refunded in hold": "refunded while it was pending",
    deducted: "taken from your balance", "owed back": "owed back: taken from your next earnings", reversed: "reversed", correction: "a correction"
  };
  var CONVERSIONS = { sale: "Sale", lead: "Lead", subscription_payment: "Subscription payment", refund: "Refund" };
  var CREDITED = { click: "the customer came through your link", coupon: "the customer used your coupon code", partner: "the store named you as the partner", order: "it continues an order of a customer you brought" };

  // One ledger line traced, in words (click → conversion → rule → amount), in a row of its own
  // just under the line; where it is written (file, line, build) behind "Technical details".
  function explain(row, id, columns, button) {
    var open = row.nextElementSibling;
    var mine = open && open.classList.contains("explain-row") && open.getAttribute("data-for") === id;
    row.parentNode.querySelectorAll("tr.explain-row").forEach(function (r) { r.remove(); });
    row.parentNode.querySelectorAll("button.explain[aria-expanded=true]").forEach(function (b) { b.setAttribute("aria-expanded", "false"); });
    if (mine) return;
    button.setAttribute("aria-expanded", "true");
    var tr = el("tr", { "class": "explain-row", "data-for": id });
    var td = tr.appendChild(el("td", { colspan: String(columns), "data-label": "" }));
    var box = td.appendChild(el("section", { "class": "explain-card", "data-explain": "", tabindex: "-1", "aria-label": "Where this line comes from", "aria-live": "polite" }));
    box.appendChild(el("h3", {}, "Where this line comes from"));
    var list = box.appendChild(el("dl", { "class": "explain-list" }));
    row.parentNode.insertBefore(tr, row.nextSibling);
    getJSON(API + "ledger/" + encodeURIComponent(id)).then(function (x) {
      var cur = x.currency;
      var add = function (term, value) {
        if (value === null || value === undefined || value === "") return;
        list.appendChild(el("dt", {}, term));
        list.appendChild(el("dd", {}, value));
      };
      add("What", daysInWords(x.description));
      add("Amount", money(x.amount, cur) + ", " + (STATUS_WORDS[x.status] || x.status));
      if (x.payable_from) add("Payable from", day(x.payable_from));
      add("Under review for", x.review);
      if (x.click) add("Click", "On your link " + (x.click.link || "") + (x.click.sub_id ? " with sub-id " + x.click.sub_id : "") + (x.click.at ? ", " + moment(x.click.at) : ""));
      if (x.conversion) {
        var c = x.conversion;
        add(CONVERSIONS[c.type] || "Conversion", (c.amount ? money(c.amount, cur) : (CONVERSIONS[c.type] || c.type)) +
          (c.order ? ", order " + c.order : "") + (c.product ? ", " + c.product : "") + ", on " + day(c.date));
        if (c.attributed_by) add("Credited to you because", CREDITED[c.attributed_by] || c.attributed_by);
      }
      if (x.referred_partner) add("Referred partner", x.referred_partner);
      if (x.rule) add("Rule", [x.rule.program, x.rule.rule].filter(Boolean).join(": "));
      if (x.reverses) add("Takes back", "the commission of " + day(x.reverses.date) + " (" + money(x.reverses.amount, cur) + ")");
      if (x.corrects) add("Corrects", "the " + x.corrects.entry + " of " + day(x.corrects.date) + " (" + money(x.corrects.amount, cur) + ")");
      if (x.memo) add("Note", x.memo);
      var where = x.rule && x.rule.source ? x.rule.source : x.source;
      var build = x.rule && x.rule.build ? x.rule.build : x.build;
      if (where || build) {
        var tech = box.appendChild(el("details", { "class": "technical" }));
        tech.appendChild(el("summary", {}, "Technical details"));
        var more = tech.appendChild(el("dl", { "class": "explain-list" }));
        [["Written in", where], ["Build", build], ["Line", x.id]].forEach(function (pair) {
          if (!pair[1]) return;
          more.appendChild(el("dt", {}, pair[0]));
          more.appendChild(el("dd", {}, pair[1]));
        });
      }
      box.focus();
    }).catch(function (e) {
      list.appendChild(el("dd", {}, "This line could not be explained: " + e.message));
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
          var b = el("button", { type: "button", "class": "button secondary explain", "aria-expanded": "false" }, "Explain");
          b.addEventListener("click", function () { explain(tr, v, self.columns.length, b); });
          td.appendChild(b);
          tr.appendChild(td);
          return;
        }
        var shown = AS_MONEY[c] && v !== null && v !== "" ? money(v, self.currency) : (v === null ? "" : String(v));
        if (c === "type") shown = CONVERSIONS[v] || shown;
        if (WRAP[c]) shown = daysInWords(shown);
        // A line held for review says what for (the category, never the rule's threshold).
        if (c === "status" && row.review) shown += " (" + row.review + ")";
        var cls = MONEY[c] ? "num" : (WRAP[c] ? "wrap" : "");
        var attrs = { "data-label": LABELS[c] || c };
        if (cls) attrs["class"] = cls;
        if (isDay(v)) { tr.appendChild(el("td", attrs)).appendChild(timeEl(v)); return; }
        tr.appendChild(el("td", attrs, shown));
      });
      body.appendChild(tr);
    });
    // My Ledger runs newest first: under its oldest line, the balance before the page.
    var shownRows = this.rows.slice(start, start + PAGE);
    var oldest = shownRows[shownRows.length - 1];
    if (this.root.getAttribute("data-report") === "ledger" && oldest && !this.sort) {
      var before = Math.round(Number(oldest.balance) * 100) - Math.round(Number(oldest.amount) * 100);
      var opening = el("tr", { "class": "opening-row", "data-opening": "" });
      opening.appendChild(el("td", { colspan: String(this.columns.length), "data-label": "" },
        "Balance before these lines: " + money((before / 100).toFixed(2), this.currency)));
      body.appendChild(opening);
    }
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

    var last = null;

    function refresh() {
      var q = "from=" + encodeURIComponent(form.elements.from.value) + "&to=" + encodeURIComponent(form.elements.to.value);
      root.querySelector("[data-csv]").setAttribute("href", API + report + "?format=csv&" + q);
      history.replaceState(null, "", "?" + q);
      error.hidden = true;
      root.setAttribute("aria-busy", "true");
      Promise.all([
        getJSON(API + "summary?" + q),
        getJSON(API + report + "?per_page=500&" + q)
      ]).then(function (results) {
        renderSummary(root, results[0]);
        last = results[0];
        renderChart(root, results[0], report);
        renderBreakdowns(root, results[0], report);
        renderPayable(root, results[0], report);
        table.load(results[1]);
      }).catch(function (e) {
        error.textContent = "The report could not be loaded: " + e.message;
        error.hidden = false;
      }).then(function () { root.setAttribute("aria-busy", "false"); root.setAttribute("data-loaded", "true"); });
    }

    // The chart is drawn for its width: draw it again when the window changes size.
    var resized = null;
    window.addEventListener("resize", function () {
      clearTimeout(resized);
      resized = setTimeout(function () { if (last) renderChart(root, last, report); }, 150);
    });

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

  // The dashboard on Welcome: this month so far against the same days of last month, what is
  // payable and when more becomes payable, and the links and sub-ids that earn most. Every
  // figure is the ledger's (the same summary API as the reports).
  function dashboard(root) {
    var now = new Date();
    var first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    var lastFirst = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
    // The same day of last month, or its last day when it is shorter (31 March → 28 February).
    var lastEnd = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1,
      Math.min(now.getUTCDate(), new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 0)).getUTCDate())));
    var today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    Promise.all([
      getJSON(API + "summary?from=" + iso(first) + "&to=" + iso(today)),
      getJSON(API + "summary?from=" + iso(lastFirst) + "&to=" + iso(lastEnd))
    ]).then(function (r) {
      var s = r[0], prev = r[1], cur = s.currency;
      var box = root.querySelector("[data-dash-cards]");
      box.textContent = "";
      var change = Number(s.in_range.earned) - Number(prev.in_range.earned);
      var next = (s.next_payable || [])[0];
      // With the owner's payout day: the next payout is what is payable by that date.
      var payoutDay = Number(root.getAttribute("data-payout-day")) || 0;
      var payout = null;
      if (payoutDay) {
        var at = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), payoutDay));
        if (at <= today) at = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + 1, payoutDay));
        var cents = Math.round(Number(s.payable) * 100);
        (s.becoming_payable || []).forEach(function (b) { if (b.date < iso(at)) cents += Math.round(Number(b.amount) * 100); });
        payout = card("Next payout", money((cents / 100).toFixed(2), cur), "on " + day(iso(at)) + ", with what becomes payable before then");
      }
      // The same cards as the page's placeholders, in their order: nothing jumps as they fill.
      var review = Number(s.under_review) > 0 ? "; " + money(s.under_review, cur) + " under review" : "";
      [
        card("Earned this month", money(s.in_range.earned, cur),
          (change >= 0 ? "+" : "−") + money(String(Math.abs(change).toFixed(2)), cur) + " against the same days of last month (" +
          money(prev.in_range.earned, cur) + ", " + day(iso(lastFirst)) + " to " + day(iso(lastEnd)) + ")"),
        payout,
        card("Payable now", money(s.payable, cur), "paid with the next payout"),
        card("Pending", money(s.pending, cur), (next ? money(next.amount, cur) + " becomes payable on " + day(next.date) : "nothing on hold") + review),
        card("Paid to date", money(s.paid_to_date, cur), Number(s.owed_back) > 0
          ? money(s.owed_back, cur) + " owed back: taken from your next earnings" : "all payouts so far"),
        card("Balance (unpaid)", money(s.balance, cur), "not paid out yet"),
        card("Lifetime earnings", money(s.earned_to_date, cur),
          Number(s.refunded_to_date) > 0 ? "after " + money(s.refunded_to_date, cur) + " taken back by refunds" : "everything you have earned")
      ].forEach(function (c) { if (c) box.appendChild(c); });
      var top = function (rows) { return rows.filter(function (x) { return Number(x.earned) !== 0 || x.clicks > 0; }).slice(0, 5); };
      var cols = [{ key: "clicks", label: "Clicks" }, { key: "sales", label: "Sales" }, { key: "earned", label: "Earned", money: true }];
      fill(root, "[data-dash-links]", miniTable(top(s.by_link || []), [{ key: "key", label: "Link", none: NO_LINK }].concat(cols), cur));
      fill(root, "[data-dash-subs]", miniTable(top(s.by_sub_id || []), [{ key: "key", label: "Sub-id", none: NO_SUB }].concat(cols), cur));
      root.querySelector("[data-dash-empty]").hidden = s.in_range.clicks > 0 || Number(s.in_range.earned) !== 0;
    }).catch(function (e) {
      root.querySelector("[data-dash-cards]").textContent = "Your numbers could not be loaded: " + e.message;
    }).then(function () { root.setAttribute("aria-busy", "false"); root.setAttribute("data-loaded", "true"); });
  }

  // The dashboard's trend: clicks, leads, sales or earnings per day for the chosen period,
  // drawn by the reports' chart, with every figure in its table.
  var MEASURES = {
    earned: { label: "Earnings per day", value: function (d) { return Number(d.earned); } },
    clicks: { label: "Clicks per day", value: function (d) { return d.clicks; } },
    leads: { label: "Leads per day", value: function (d) { return d.leads; } },
    sales: { label: "Sales per day", value: function (d) { return d.sales; } }
  };
  function trend(box) {
    var range = box.querySelector("[data-trend-range]");
    var chart = box.querySelector("[data-trend-chart]");
    var text = box.querySelector("[data-trend-text]");
    var last = null;
    function measure() { var c = box.querySelector("[data-trend-measure] input:checked"); return c ? c.value : "earned"; }
    function draw() {
      if (!last) return;
      var s = last, cur = s.currency, m = measure(), days = s.by_day || [];
      chart.textContent = "";
      var format = m === "earned" ? function (v) { return money(String(v), cur).replace(/\.00$/, ""); } : function (v) { return String(Math.round(v)); };
      barChart(chart, days, MEASURES[m].value, format, MEASURES[m].label);
      chart.appendChild(chartTable(days, [
        { label: "Clicks", format: function (d) { return String(d.clicks); } },
        { label: "Leads", format: function (d) { return String(d.leads); } },
        { label: "Sales", format: function (d) { return String(d.sales); } },
        { label: "Earned", format: function (d) { return money(d.earned, cur); } }]));
      var r = s.in_range;
      text.textContent = r.clicks + " clicks, " + r.leads + " leads, " + r.sales + " sales and " + money(r.earned, cur) +
        " earned from " + day(s.from) + " to " + day(s.to) + ".";
    }
    function load() {
      var r = presetRange(range.value);
      box.setAttribute("aria-busy", "true");
      getJSON(API + "summary?from=" + r.from + "&to=" + r.to).then(function (s) { last = s; draw(); })
        .catch(function (e) { text.textContent = "The trend could not be loaded: " + e.message; })
        .then(function () { box.setAttribute("aria-busy", "false"); box.setAttribute("data-loaded", "true"); });
    }
    range.addEventListener("change", load);
    box.querySelectorAll("[data-trend-measure] input").forEach(function (i) { i.addEventListener("change", draw); });
    var resized = null;
    window.addEventListener("resize", function () { clearTimeout(resized); resized = setTimeout(draw, 150); });
    load();
  }

  // Test conversions (the owner's store in test mode), apart from every figure: they show a link
  // is tracked, and are never paid.
  function testLines(box) {
    getJSON(API + "test").then(function (r) {
      if (!r.lines.length) return;
      var t = el("table", { "data-cards": "" });
      var head = el("tr");
      var columns = [["Date"], ["What"], ["Order"], ["Commission (test)", "num"]];
      columns.forEach(function (c) {
        head.appendChild(el("th", c[1] ? { scope: "col", "class": c[1] } : { scope: "col" }, c[0]));
      });
      t.appendChild(el("thead")).appendChild(head);
      var body = t.appendChild(el("tbody"));
      r.lines.forEach(function (l) {
        var what = l.kind === "clawback" ? "Refund" : (CONVERSIONS[l.conversion] || l.conversion || "");
        if (l.level > 0) what += " (second tier)";
        var tr = el("tr");
        tr.appendChild(el("th", { scope: "row" })).appendChild(timeEl(l.date));
        [[what], [l.order || "—"], [money(l.amount, r.currency), "num"]].forEach(function (c, i) {
          var attrs = { "data-label": columns[i + 1][0] };
          if (c[1]) attrs["class"] = c[1];
          tr.appendChild(el("td", attrs, c[0]));
        });
        body.appendChild(tr);
      });
      fill(box, "[data-test-lines]", t);
      box.hidden = false;
    }).catch(function () { /* the dashboard stands without them */ });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-dashboard]").forEach(dashboard);
    document.querySelectorAll("[data-trend]").forEach(trend);
    document.querySelectorAll("[data-dash-test]").forEach(testLines);
    document.querySelectorAll("[data-report]").forEach(start);
  });
})();
