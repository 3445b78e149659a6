/* sxcheck serve: the page's behaviour. Plain JavaScript, no library, no network beyond this server.
   Every value from a report is put on the page with textContent (never innerHTML). */
(function () {
  "use strict";
  const T = JSON.parse(document.getElementById("ui").textContent);
  const LANG = document.body.dataset.lang === "en" ? "en" : "zh";
  const PAGE = 200;
  const LIMIT = 20000; // findings brought into the page; the downloads have them all
  const $ = (id) => document.getElementById(id);
  const fmt = (s, p) => s.replace(/\{(\w+)\}/g, (m, k) => (k in p ? String(p[k]) : m));
  const el = (tag, text, cls) => {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  };
  const pct = (x) => (x === null || x === undefined ? "—" : (x * 100).toFixed(2) + "%");
  const SEV = { error: T.lvl_error, warning: T.lvl_warning, info: T.lvl_info };
  const SEV_RANK = { error: 0, warning: 1, info: 2 };

  let state = null; // {job, report, rows, titles, filtered, shown}

  // ------------------------------------------------------------------ form
  const form = $("form");
  const file = $("file");
  const drop = $("drop");
  function showChosen() {
    $("chosen").textContent = file.files.length ? T.chosen + file.files[0].name : "";
  }
  file.addEventListener("change", showChosen);
  ["dragenter", "dragover"].forEach((ev) => drop.addEventListener(ev, (e) => {
    e.preventDefault(); drop.classList.add("over");
  }));
  ["dragleave", "drop"].forEach((ev) => drop.addEventListener(ev, (e) => {
    e.preventDefault(); drop.classList.remove("over");
  }));
  drop.addEventListener("drop", (e) => {
    if (e.dataTransfer && e.dataTransfer.files.length) {
      file.files = e.dataTransfer.files;
      showChosen();
    }
  });
  function syncSubOptions() {
    const cmd = form.querySelector("input[name=command]:checked").value;
    form.querySelectorAll(".sub-opts").forEach((d) => { d.hidden = d.dataset.for !== cmd; });
  }
  form.querySelectorAll("input[name=command]").forEach((r) => r.addEventListener("change", syncSubOptions));
  syncSubOptions();

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    $("form-msg").textContent = "";
    if (!file.files.length) { $("form-msg").textContent = T.no_file; return; }
    const cmd = form.querySelector("input[name=command]:checked").value;
    const data = new FormData();
    data.append("file", file.files[0]);
    data.append("lang", LANG);
    data.append("wait", "0");
    ["sheet", "encoding", "fail_on"].forEach((n) => {
      const v = form.elements[n].value; if (v) data.append(n, v);
    });
    if (cmd === "conform") {
      const choice = form.querySelector("input[name=base_choice]:checked");
      const base = form.elements.base.files;
      if (choice && choice.value === "upload" && base.length) data.append("base", base[0]);
    }
    if (cmd === "revoked") {
      if (form.elements.permit_list.files.length) data.append("permit_list", form.elements.permit_list.files[0]);
      if (form.elements.region.value) data.append("region", form.elements.region.value);
    }
    if (cmd === "sources") {
      Array.from(form.elements.channel.files).forEach((f) => data.append("channel", f));
      if (form.elements.key.value) data.append("key", form.elements.key.value);
      if (form.elements.fields.value) data.append("fields", form.elements.fields.value);
    }
    if (cmd === "cases") {
      Array.from(form.elements.catalog.files).forEach((f) => data.append("catalog", f));
      if (form.elements.as_of.value) data.append("as_of", form.elements.as_of.value);
      if (form.elements.near_days.value) data.append("near_days", form.elements.near_days.value);
    }
    if (cmd === "certificates" && form.elements.kept_list.files.length) {
      data.append("kept_list", form.elements.kept_list.files[0]);
    }
    $("start").disabled = true;
    hide("failure"); hide("result");
    show("progress");
    $("bar").removeAttribute("value");
    $("progress-text").textContent = T.uploading;
    try {
      const resp = await fetch("/api/" + cmd + "?lang=" + LANG, { method: "POST", body: data, credentials: "same-origin" });
      const body = await resp.json().catch(() => ({}));
      if (!resp.ok && resp.status !== 202) { fail(body.error || T.err_network); return; }
      const id = body.job || resp.headers.get("X-Sxcheck-Job");
      location.hash = "job=" + encodeURIComponent(id);
      await follow(id);
    } catch (err) {
      fail(T.err_network);
    }
  });

  $("again").addEventListener("click", () => {
    hide("result"); hide("failure");
    history.replaceState(null, "", location.pathname);
    show("form");
    file.value = ""; showChosen();
    $("start").disabled = false;
    window.scrollTo(0, 0);
  });

  function show(id) { $(id).hidden = false; }
  function hide(id) { $(id).hidden = true; }
  function fail(message) {
    hide("progress");
    $("failure-text").textContent = message;
    show("failure");
    $("start").disabled = false;
  }

  // ------------------------------------------------------------- job status
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  async function follow(id) {
    show("progress");
    for (;;) {
      const resp = await fetch("/api/jobs/" + encodeURIComponent(id) + "?lang=" + LANG, { credentials: "same-origin" });
      const job = await resp.json().catch(() => ({}));
      if (!resp.ok) { fail(job.error || T.err_network); return; }
      if (job.status === "failed") { fail(job.error); return; }
      if (job.status === "done") { await load(job); return; }
      const p = job.progress || {};
      if (job.status === "queued") {
        $("progress-text").textContent = fmt(T.queued, { n: job.queued_before || 0, running: job.running || 0 });
      } else {
        $("progress-text").textContent = fmt(T.running, { rows: (p.rows || 0).toLocaleString() });
      }
      if (p.bytes_total) { $("bar").max = p.bytes_total; $("bar").value = p.bytes_done || 0; }
      else $("bar").removeAttribute("value");
      await sleep(400);
    }
  }

  async function getJSON(url) {
    const resp = await fetch(url, { credentials: "same-origin" });
    if (!resp.ok) throw new Error(url);
    return resp.json();
  }

  async function load(job) {
    const q = "?lang=" + LANG;
    const base = "/api/jobs/" + encodeURIComponent(job.job) + "/";
    let report, rows, rules;
    try {
      [report, rows, rules] = await Promise.all([getJSON(base + "report.json" + q + "&limit=" + LIMIT), getJSON(base + "rows.json"),
        getJSON("/api/rules" + q)]);
    } catch (err) { fail(T.err_network); return; }
    const titles = {};
    rules.rules.forEach((r) => { titles[r.code] = r.title; });
    state = { job, report, rows, titles, filtered: [], shown: 0 };
    report.findings.forEach((f, i) => { f._i = i; f._body = bodyOf(f); });
    hide("progress"); hide("form");
    $("truncated").hidden = !report.findings_truncated;
    if (report.findings_truncated) $("truncated").textContent = fmt(T.truncated, { n: LIMIT.toLocaleString(), total: report.summary.findings.toLocaleString() });
    renderSummary();
    renderRules();
    renderFilters();
    applyFilters();
    $("dl-xlsx").href = job.downloads.xlsx + q;
    $("dl-json").href = job.downloads.json + q + "&download=1";
    if (job.downloads.html) { $("dl-html").href = job.downloads.html + q; $("dl-html").hidden = false; }
    else $("dl-html").hidden = true;
    show("result");
    $("start").disabled = false;
  }

  function rowKey(f) { return f.source + "\t" + (f.sheet || "") + "\t" + f.row; }
  function ownRow(f) {
    return f.row !== null && f.row !== undefined && state.rows.sources.indexOf(f.source) >= 0;
  }
  async function rowValues(f) {
    if (!ownRow(f)) return null;
    const url = "/api/jobs/" + encodeURIComponent(state.job.job) + "/row?source=" +
      encodeURIComponent(f.source) + "&sheet=" + encodeURIComponent(f.sheet || "") + "&row=" + encodeURIComponent(f.row);
    const resp = await fetch(url, { credentials: "same-origin" });
    if (!resp.ok) return null;
    return (await resp.json()).values;
  }
  function bodyOf(f) {
    return ownRow(f) ? state.rows.bodies[rowKey(f)] || "" : "";
  }
  function label(field) {
    const l = state.rows.labels[field];
    return l ? l[LANG] : (field || "");
  }

  // ---------------------------------------------------------------- summary
  function tile(parent, name, value, cls) {
    const d = el("div", null, "tile" + (cls ? " " + cls : ""));
    d.appendChild(el("span", value, "tile-value"));
    d.appendChild(el("span", name, "tile-name"));
    parent.appendChild(d);
  }
  function renderSummary() {
    const s = state.report.summary;
    $("file-name").textContent = state.job.file || "";
    const ok = state.job.exit_code === 0;
    $("verdict").textContent = ok ? T.passed : T.not_passed;
    $("verdict").className = "verdict " + (ok ? "ok" : "bad");
    const tiles = $("tiles"); tiles.replaceChildren();
    tile(tiles, T.rows, s.rows.toLocaleString());
    tile(tiles, T.errors, s.errors.toLocaleString(), s.errors ? "error" : "");
    tile(tiles, T.warnings, s.warnings.toLocaleString(), s.warnings ? "warning" : "");
    tile(tiles, T.infos, s.infos.toLocaleString());
    tile(tiles, T.clean_rate, pct(s.rows_clean_rate));
    const rates = $("rates"); rates.replaceChildren();
    const same = state.report.stats.same_source;
    if (same && same.channels) {
      same.channels.forEach((c) => tile(rates, c.channel + " " + T.same_source, pct(c.same_source_rate.rate), "rate"));
    }
    const r = state.report.stats.rates;
    if (r) {
      ["catalog_conformity", "task_conformity", "link_rate"].forEach((k) => {
        if (r[k]) tile(rates, T[k], pct(r[k].rate), "rate");
      });
    }
  }

  function sevCell(sev) { return el("td", SEV[sev] || sev, "sev " + sev); }

  function renderRules() {
    const tbody = $("rules-table").tBodies[0]; tbody.replaceChildren();
    const per = state.report.stats.per_rule || {};
    const codes = Object.keys(per).sort((a, b) =>
      (SEV_RANK[per[a].severity] - SEV_RANK[per[b].severity]) || (per[b].findings - per[a].findings) || a.localeCompare(b));
    codes.forEach((code) => {
      const r = per[code];
      const tr = document.createElement("tr");
      tr.appendChild(sevCell(r.severity));
      const td = el("td"); const a = el("a", code, "code"); a.href = "#"; td.appendChild(a); tr.appendChild(td);
      a.addEventListener("click", (e) => {
        e.preventDefault(); $("f-rule").value = code; applyFilters();
        $("findings-table").scrollIntoView({ behavior: "smooth" });
      });
      tr.appendChild(el("td", state.titles[code] || ""));
      tr.appendChild(el("td", r.findings.toLocaleString(), "num"));
      tr.appendChild(el("td", r.rows.toLocaleString(), "num"));
      tbody.appendChild(tr);
    });
  }

  function fillSelect(sel, values, text) {
    sel.replaceChildren();
    const all = el("option", T.all); all.value = ""; sel.appendChild(all);
    values.forEach((v) => { const o = el("option", text ? text(v) : v); o.value = v; sel.appendChild(o); });
  }
  function renderFilters() {
    const F = state.report.findings;
    const uniq = (fn) => Array.from(new Set(F.map(fn).filter((x) => x))).sort();
    const counts = {};
    F.forEach((f) => { counts[f.code] = (counts[f.code] || 0) + 1; });
    fillSelect($("f-rule"), uniq((f) => f.code), (c) => c + " (" + counts[c] + ")");
    fillSelect($("f-element"), uniq((f) => f.field), (f) => label(f));
    fillSelect($("f-severity"), ["error", "warning", "info"].filter((s) => F.some((f) => f.severity === s)), (s) => SEV[s]);
    fillSelect($("f-body"), uniq((f) => f._body));
    ["f-rule", "f-element", "f-severity", "f-body"].forEach((id) => { $(id).onchange = applyFilters; });
  }

  function applyFilters() {
    const rule = $("f-rule").value, field = $("f-element").value, sev = $("f-severity").value, body = $("f-body").value;
    state.filtered = state.report.findings.filter((f) =>
      (!rule || f.code === rule) && (!field || f.field === field) && (!sev || f.severity === sev) && (!body || f._body === body));
    state.shown = 0;
    $("findings-table").tBodies[0].replaceChildren();
    more();
  }

  function more() {
    const tbody = $("findings-table").tBodies[0];
    const next = state.filtered.slice(state.shown, state.shown + PAGE);
    next.forEach((f) => {
      const tr = document.createElement("tr");
      tr.tabIndex = 0;
      tr.dataset.i = f._i;
      tr.appendChild(sevCell(f.severity));
      tr.appendChild(el("td", f.code, "code"));
      tr.appendChild(el("td", f.sheet || ""));
      tr.appendChild(el("td", f.row === null ? "" : f.row, "num"));
      tr.appendChild(el("td", f.field ? label(f.field) : ""));
      tr.appendChild(el("td", f._body));
      tr.appendChild(el("td", f.value === null ? "" : f.value, "value"));
      tr.appendChild(el("td", f.message));
      tr.addEventListener("click", () => openDetail(f));
      tr.addEventListener("keydown", (e) => { if (e.key === "Enter") openDetail(f); });
      tbody.appendChild(tr);
    });
    state.shown += next.length;
    $("shown").textContent = fmt(T.shown, { n: state.shown.toLocaleString(), total: state.filtered.length.toLocaleString() });
    const left = state.filtered.length - state.shown;
    $("more").hidden = left <= 0;
    $("more").textContent = fmt(T.more, { n: Math.min(left, PAGE) });
  }
  $("more").addEventListener("click", more);

  // ----------------------------------------------------------------- detail
  let opened = 0;
  async function openDetail(f) {
    const ticket = ++opened;
    $("detail-title").textContent = f.code + (f.row !== null ? " · " + (f.sheet ? f.sheet + " " : "") + T.row + " " + f.row : "");
    $("detail-message").textContent = f.message;
    $("detail-hint").textContent = f.hint ? T.hint + f.hint : "";
    const sug = f.suggestion && (f.suggestion.value || (f.suggestion.candidates || []).join(" / "));
    $("detail-suggestion").textContent = sug ? T.suggestion + sug : "";
    const tbody = $("detail-row").tBodies[0]; tbody.replaceChildren();
    $("detail-rows-title").hidden = true;
    $("detail-box").hidden = true;
    $("detail-norow").textContent = "";
    show("detail");
    $("detail-close").focus();
    const values = await rowValues(f);
    if (ticket !== opened) return; // another finding was opened meanwhile
    $("detail-rows-title").hidden = !values;
    $("detail-box").hidden = !values;
    if (f.row === null || f.row === undefined) $("detail-norow").textContent = T.no_row;
    else if (!values) $("detail-norow").textContent = state.job && state.job.command === "cases" ? T.cases_note : T.row_unavailable;
    if (values) {
      const table = (state.rows.tables || []).find((t) => t.source === f.source && (t.sheet || "") === (f.sheet || ""));
      const fields = table ? Object.keys(table.columns) : Object.keys(values);
      if (f.field && fields.indexOf(f.field) < 0) fields.unshift(f.field);
      fields.forEach((name) => {
        const tr = document.createElement("tr");
        if (name === f.field) tr.className = "offending";
        const head = table && table.columns[name] ? table.columns[name] : label(name);
        tr.appendChild(el("th", head));
        const v = values[name];
        tr.appendChild(v === undefined || v === "" ? el("td", T.empty, "empty") : el("td", v));
        tbody.appendChild(tr);
      });
    }
    // bring the offending cell into the row box's view, leaving the message and hint in place
    const box = $("detail-box"), hit = tbody.querySelector(".offending");
    box.scrollTop = hit ? Math.max(0, hit.offsetTop - box.clientHeight / 2) : 0;
  }
  function closeDetail() { hide("detail"); }
  $("detail-close").addEventListener("click", closeDetail);
  $("detail").addEventListener("click", (e) => { if (e.target === $("detail")) closeDetail(); });
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") closeDetail(); });

  // the language switch keeps the job on screen
  $("switch").addEventListener("click", () => {
    if (location.hash) $("switch").href = $("switch").getAttribute("href") + location.hash;
  });
  const m = /job=([\w-]+)/.exec(location.hash);
  if (m) { hide("form"); follow(m[1]); }
})();
