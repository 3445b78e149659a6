/* sxcheck offline report.  Reads the JSON data block and builds the page with DOM APIs only:
   every value from the data is set with textContent (never innerHTML), so markup in a cell stays
   text.  Charts: Apache ECharts (inlined above), tooltips rendered in the canvas (richText). */
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("sxcheck-data").textContent);
  var T = DATA.t;
  var app = document.getElementById("app");
  var violations = 0;
  document.addEventListener("securitypolicyviolation", function () {
    violations += 1;
    document.body.setAttribute("data-csp-violations", String(violations));
  });

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    if (attrs) {
      for (var k in attrs) {
        if (k === "text") e.textContent = attrs[k];
        else if (k === "cls") e.className = attrs[k];
        else e.setAttribute(k, attrs[k]);
      }
    }
    (children || []).forEach(function (c) { if (c) e.appendChild(c); });
    return e;
  }
  function pct(x, digits) {
    return x === null || x === undefined ? "–" : (100 * x).toFixed(digits === undefined ? 1 : digits) + "%";
  }
  function num(x) {
    if (x === null || x === undefined) return "–";
    return typeof x === "number" ? x.toLocaleString("zh-CN", {maximumFractionDigits: 2}) : String(x);
  }
  function section(title, id) {
    var s = el("section", id ? {id: id} : null, [el("h2", {text: title})]);
    app.appendChild(s);
    return s;
  }
  function table(head, rows, numeric, id) {
    var tr = el("tr", null, head.map(function (h, i) {
      return el("th", {text: h, cls: numeric && numeric[i] ? "n" : ""});
    }));
    var tbody = el("tbody");
    rows.forEach(function (r) { tbody.appendChild(r); });
    var t = el("table", id ? {id: id} : null, [el("thead", null, [tr]), tbody]);
    return el("div", {cls: "scroll"}, [t]);
  }
  function td(text, cls) { return el("td", {text: text === null || text === undefined ? "" : String(text), cls: cls || ""}); }
  function cards(list) {
    return el("div", {cls: "cards"}, list.map(function (c) {
      return el("div", {cls: "card"}, [el("div", {cls: "k", text: c.k}), el("div", {cls: "v " + (c.cls || ""), text: c.v}),
                                       c.s ? el("div", {cls: "s", text: c.s}) : null]);
    }));
  }
  function chart(parent, height, option) {
    var box = el("div", {cls: "chart"});
    box.style.height = height + "px";
    parent.appendChild(box);
    if (typeof echarts === "undefined") return null;
    var c = echarts.init(box, null, {renderer: "canvas"});
    option.animation = false;
    option.tooltip = Object.assign({renderMode: "richText", confine: true}, option.tooltip || {});
    c.setOption(option);
    window.addEventListener("resize", function () { c.resize(); });
    return c;
  }
  var SEV_COLOR = {error: "#d83931", warning: "#de7802", info: "#245bdb"};

  document.getElementById("title").textContent = DATA.title;
  document.getElementById("meta").textContent = DATA.subtitle;
  app.appendChild(cards(DATA.cards));

  if (DATA.kind === "score") renderScore(); else renderReport();

  // ------------------------------------------------------------------ score
  function renderScore() {
    var names = DATA.index_names;
    var s = section(T.ranking, "ranking");
    var head = [T.rank, DATA.by, T.tier, T.score, T.guides].concat(names.map(function (n) { return DATA.labels[n]; }))
      .concat(DATA.count_labels);
    var numeric = [true, false, false, true, true].concat(names.map(function () { return true; }))
      .concat(DATA.count_labels.map(function () { return true; }));
    var rows = DATA.units.map(function (u) {
      var tier = el("td", null, [u.tier ? el("span", {cls: "tier t" + u.tier_index, text: u.tier}) : null]);
      var cells = [td(u.rank === null ? "–" : u.rank, "n"), td(u.unit), tier,
                   td(u.score === null ? "–" : u.score.toFixed(2), "n"), td(num(u.rows), "n")];
      names.forEach(function (n) {
        var f = u.indices[n];
        var c = el("td", {cls: "n"});
        if (f && f.rate !== null) {
          c.appendChild(document.createTextNode(pct(f.rate, 2)));
          c.appendChild(el("span", {cls: "frac", text: num(f.numerator) + " / " + num(f.denominator)}));
        } else c.textContent = "–";
        cells.push(c);
      });
      u.counts.forEach(function (n) { cells.push(td(num(n), "n")); });
      return el("tr", null, cells);
    });
    s.appendChild(table(head, rows, numeric, "ranking-table"));
    s.appendChild(el("p", {cls: "note", text: T.score_note}));

    var g = el("div", {cls: "grid2"});
    var a = section(T.tiers);
    a.appendChild(g);
    var left = el("div"), right = el("div");
    g.appendChild(left); g.appendChild(right);
    chart(left, 320, {
      color: ["#2ea121", "#3370ff", "#de7802", "#d83931"],
      tooltip: {trigger: "item"}, legend: {bottom: 0},
      series: [{type: "pie", radius: ["35%", "65%"], label: {formatter: "{b}: {c}"},
                data: DATA.tiers.map(function (t) { return {name: t.tier, value: t.count}; })}]
    });
    var top = DATA.units.filter(function (u) { return u.score !== null; }).slice(0, 40);
    chart(right, 320, {
      tooltip: {trigger: "axis"}, grid: {left: 50, right: 20, top: 20, bottom: 90},
      xAxis: {type: "category", data: top.map(function (u) { return u.unit; }),
              axisLabel: {rotate: 40, interval: 0, width: 120, overflow: "truncate"}},
      yAxis: {type: "value", min: 0, max: 100, name: T.score},
      series: [{type: "bar", name: T.score, data: top.map(function (u) { return u.score; }),
                itemStyle: {color: "#3370ff"}}]
    });
    var b = section(T.indices_per_unit);
    var unitsShown = DATA.units.slice(0, 30);
    chart(b, Math.max(360, 26 * unitsShown.length + 80), {
      tooltip: {trigger: "axis"}, legend: {top: 0},
      grid: {left: 180, right: 30, top: 40, bottom: 30},
      yAxis: {type: "category", inverse: true, data: unitsShown.map(function (u) { return u.unit; }),
              axisLabel: {width: 170, overflow: "truncate"}},
      xAxis: {type: "value", min: 0, max: 100, axisLabel: {formatter: "{value}%"}},
      series: names.map(function (n) {
        return {type: "bar", name: DATA.labels[n], data: unitsShown.map(function (u) {
          var f = u.indices[n]; return f && f.rate !== null ? +(100 * f.rate).toFixed(2) : null; })};
      })
    });
    if (DATA.units.length > 30) b.appendChild(el("p", {cls: "note", text: T.first_30}));
    var w = section(T.weights);
    w.appendChild(table([T.index, T.weight, T.overall],
      names.map(function (n) {
        var f = DATA.overall[n];
        return el("tr", null, [td(DATA.labels[n]), td(DATA.weights[n] || 0, "n"),
                               td(f ? pct(f.rate, 2) + "  (" + num(f.numerator) + " / " + num(f.denominator) + ")" : "–", "n")]);
      }), [false, true, true]));
    w.appendChild(el("p", {cls: "note", text: DATA.cutoff_text}));
  }

  // ------------------------------------------------------------------ validate / conform
  function renderReport() {
    if (DATA.rates.length) {
      var r = section(T.rates);
      r.appendChild(table([T.index, T.rate, T.numerator, T.denominator], DATA.rates.map(function (x) {
        return el("tr", null, [td(x.name), td(pct(x.rate, 2), "n"), td(num(x.numerator), "n"), td(num(x.denominator), "n")]);
      }), [false, true, true, true]));
    }
    var g = el("div", {cls: "grid2"});
    var s = section(T.charts);
    s.appendChild(g);
    var left = el("div"), right = el("div");
    g.appendChild(left); g.appendChild(right);
    left.appendChild(el("h2", {text: T.per_rule}));
    var rules = DATA.rules.slice(0, 25);
    chart(left, Math.max(320, 22 * rules.length + 60), {
      tooltip: {trigger: "axis"}, grid: {left: 230, right: 30, top: 10, bottom: 30},
      yAxis: {type: "category", inverse: true, data: rules.map(function (x) { return x.code; }),
              axisLabel: {width: 220, overflow: "truncate"}},
      xAxis: {type: "value"},
      series: [{type: "bar", name: T.findings, data: rules.map(function (x) {
        return {value: x.findings, itemStyle: {color: SEV_COLOR[x.severity]}}; })}]
    });
    right.appendChild(el("h2", {text: T.per_element}));
    var els = DATA.elements.slice(0, 25);
    chart(right, Math.max(320, 22 * els.length + 60), {
      tooltip: {trigger: "axis"}, grid: {left: 150, right: 30, top: 10, bottom: 30},
      yAxis: {type: "category", inverse: true, data: els.map(function (x) { return x.label; }),
              axisLabel: {width: 140, overflow: "truncate"}},
      xAxis: {type: "value", max: 100, min: function (v) { return Math.max(0, Math.floor(v.min / 5) * 5 - 5); },
              axisLabel: {formatter: "{value}%"}},
      series: [{type: "bar", name: T.pass_rate, data: els.map(function (x) { return +(100 * x.pass_rate).toFixed(2); }),
                itemStyle: {color: "#3370ff"}}]
    });

    if (DATA.units.length) {
      var u = section(T.per_unit, "units");
      u.appendChild(table([DATA.unit_title, T.rows, T.rows_with_errors, T.clean_rate], DATA.units.map(function (x) {
        return el("tr", null, [td(x.unit), td(num(x.rows), "n"), td(num(x.rows_with_errors), "n"), td(pct(x.clean_rate, 2), "n")]);
      }), [false, true, true, true], "unit-table"));
    }

    var f = section(T.findings_table, "findings");
    var q = el("input", {type: "search", placeholder: T.search, id: "q"});
    function select(id, label, values) {
      var sel = el("select", {id: id}, [el("option", {value: "", text: label})]);
      values.forEach(function (v) { sel.appendChild(el("option", {value: v[0], text: v[1]})); });
      return sel;
    }
    function distinct(key, labelKey) {
      var seen = {}, out = [];
      DATA.findings.forEach(function (x) {
        var v = x[key];
        if (v !== null && v !== undefined && v !== "" && !seen[v]) { seen[v] = 1; out.push([v, labelKey ? x[labelKey] || v : v]); }
      });
      return out.sort(function (a, b) { return String(a[1]).localeCompare(String(b[1]), "zh-CN"); });
    }
    var fRule = select("f-rule", T.all_rules, distinct("code"));
    var fField = select("f-field", T.all_elements, distinct("field", "element"));
    var fSev = select("f-sev", T.all_levels, [["error", T.levels.error], ["warning", T.levels.warning], ["info", T.levels.info]]);
    var fUnit = select("f-unit", T.all_units, distinct("unit"));
    f.appendChild(el("div", {cls: "filters"}, [q, fRule, fField, fSev, DATA.has_units ? fUnit : null]));
    var count = el("p", {cls: "note", id: "f-count"});
    var tbody = el("tbody");
    var head = [T.where, T.level, T.rule, T.element, T.item, T.value, T.message, T.fix];
    var t = el("table", {id: "findings-table"}, [el("thead", null, [el("tr", null, head.map(function (h) { return el("th", {text: h}); }))]), tbody]);
    f.appendChild(count);
    f.appendChild(el("div", {cls: "scroll"}, [t]));
    if (DATA.findings_total > DATA.findings.length) f.appendChild(el("p", {cls: "note", text: T.truncated}));
    var LIMIT = 500;
    function render() {
      var text = q.value.trim().toLowerCase();
      var rule = fRule.value, field = fField.value, sev = fSev.value, unit = fUnit.value;
      var shown = 0, matched = 0;
      while (tbody.firstChild) tbody.removeChild(tbody.firstChild);
      DATA.findings.forEach(function (x) {
        if (rule && x.code !== rule) return;
        if (field && x.field !== field) return;
        if (sev && x.severity !== sev) return;
        if (unit && x.unit !== unit) return;
        if (text && x.search.indexOf(text) < 0) return;
        matched += 1;
        if (shown >= LIMIT) return;
        shown += 1;
        tbody.appendChild(el("tr", null, [
          td(x.where), el("td", null, [el("span", {cls: "sev sev-" + x.severity, text: x.level})]),
          td(x.code), td(x.element), td(x.item), td(x.value), td(x.message), td(x.hint)]));
      });
      count.textContent = T.count.replace("{matched}", matched.toLocaleString()).replace("{shown}", shown.toLocaleString());
    }
    [q, fRule, fField, fSev, fUnit].forEach(function (c) { c.addEventListener("input", render); });
    render();
  }
  document.body.setAttribute("data-rendered", "1");
})();
