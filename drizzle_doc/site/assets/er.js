/* drizzle-doc's interactive ER view: boxes laid out by dagre (one layout per group of related
   tables, the groups packed in rows), pan with the mouse or arrow keys, zoom with the wheel,
   search by table or column, table names / key columns / all columns, a table's neighbours
   highlighted, every box a link to its page, `#t=<table key>` centres a table.  No network. */
(function () {
  "use strict";
  var data = window.DRIZZLE_DOC_ER || { tables: [], edges: [] };
  var NS = "http://www.w3.org/2000/svg";
  var svg = document.getElementById("er");
  var view = document.getElementById("er-viewport");
  var search = document.getElementById("er-search");
  var results = document.getElementById("er-results");
  var status = document.getElementById("er-status");
  var tables = data.tables;
  var edges = data.edges;
  var CHAR = 7.2, LINE = 17, HEAD = 24, PAD = 10;
  var mode = tables.length > 150 ? "names" : "keys";
  var boxes = [];          // index -> {x, y, w, h, g}
  var edgeEls = [];        // index -> path element
  var t = { x: 0, y: 0, k: 1 };
  var selected = -1;

  var neighbours = tables.map(function () { return []; });
  edges.forEach(function (e, i) {
    neighbours[e[0]].push([e[1], i]);
    if (e[1] !== e[0]) neighbours[e[1]].push([e[0], i]);
  });

  function el(name, attrs, parent) {
    var n = document.createElementNS(NS, name);
    for (var a in attrs) n.setAttribute(a, attrs[a]);
    if (parent) parent.appendChild(n);
    return n;
  }

  function rows(tb) {
    if (mode === "names") return [];
    if (mode === "all") return tb.columns;
    var keyRows = tb.columns.filter(function (c) { return /[PFU]/.test(c[2]); });
    return keyRows;
  }

  function mark(c) {
    return (c[2].indexOf("P") >= 0 ? "PK " : "") + (c[2].indexOf("F") >= 0 ? "FK " : "") +
      (c[2].indexOf("U") >= 0 && c[2].indexOf("P") < 0 ? "UQ " : "");
  }

  function size(tb) {
    var r = rows(tb);
    var w = tb.name.length * (CHAR + 0.8) + 2 * PAD;
    r.forEach(function (c) {
      w = Math.max(w, (c[0].length + c[1].length + mark(c).length + 3) * CHAR + 2 * PAD);
    });
    return { w: Math.max(90, Math.ceil(w)), h: HEAD + (r.length ? r.length * LINE + 6 : 0) };
  }

  // groups of related tables (union-find over the edges), each laid out on its own
  function groups() {
    var parent = tables.map(function (_, i) { return i; });
    function find(i) { while (parent[i] !== i) { parent[i] = parent[parent[i]]; i = parent[i]; } return i; }
    edges.forEach(function (e) { var a = find(e[0]), b = find(e[1]); if (a !== b) parent[Math.max(a, b)] = Math.min(a, b); });
    var byRoot = {};
    tables.forEach(function (_, i) { var r = find(i); (byRoot[r] = byRoot[r] || []).push(i); });
    return Object.keys(byRoot).map(function (r) { return byRoot[r]; });
  }

  function layout() {
    var sizes = tables.map(size);
    var placed = [];   // per group: {nodes: {i: {x, y}}, edges: {ei: points}, w, h}
    groups().forEach(function (members) {
      var g = { nodes: {}, edges: {}, w: 0, h: 0 };
      if (members.length === 1) {
        var s = sizes[members[0]];
        g.nodes[members[0]] = { x: s.w / 2, y: s.h / 2 };
        g.w = s.w; g.h = s.h;
      } else {
        var dg = new dagre.graphlib.Graph({ multigraph: true });
        dg.setGraph({ rankdir: "LR", nodesep: 18, ranksep: 70, edgesep: 8, marginx: 0, marginy: 0,
                      ranker: members.length > 300 ? "longest-path" : "network-simplex" });
        dg.setDefaultEdgeLabel(function () { return {}; });
        members.forEach(function (i) { dg.setNode(String(i), { width: sizes[i].w, height: sizes[i].h }); });
        edges.forEach(function (e, ei) {
          if (e[0] !== e[1] && dg.hasNode(String(e[0]))) dg.setEdge(String(e[0]), String(e[1]), {}, String(ei));
        });
        dagre.layout(dg);
        members.forEach(function (i) { var n = dg.node(String(i)); g.nodes[i] = { x: n.x, y: n.y }; });
        dg.edges().forEach(function (ed) { g.edges[ed.name] = dg.edge(ed).points; });
        var gr = dg.graph();
        g.w = gr.width; g.h = gr.height;
      }
      placed.push(g);
    });
    // pack the groups in rows, biggest first (deterministic: ties keep the table order)
    placed.sort(function (a, b) { return b.h - a.h || b.w - a.w; });
    var area = 0, widest = 0;
    placed.forEach(function (g) { area += (g.w + 40) * (g.h + 40); widest = Math.max(widest, g.w); });
    var rowW = Math.max(widest, Math.sqrt(area) * 1.6), x = 0, y = 0, rowH = 0;
    boxes = new Array(tables.length);
    var points = {};
    placed.forEach(function (g) {
      if (x > 0 && x + g.w > rowW) { x = 0; y += rowH + 40; rowH = 0; }
      for (var i in g.nodes) {
        var s = sizes[i], n = g.nodes[i];
        boxes[i] = { x: x + n.x - s.w / 2, y: y + n.y - s.h / 2, w: s.w, h: s.h };
      }
      for (var ei in g.edges) points[ei] = g.edges[ei].map(function (p) { return { x: p.x + x, y: p.y + y }; });
      x += g.w + 40; rowH = Math.max(rowH, g.h);
    });
    return points;
  }

  function draw() {
    var started = performance.now();
    var points = layout();
    var laid = performance.now();
    while (view.firstChild) view.removeChild(view.firstChild);
    var edgeLayer = el("g", { "class": "edges" }, view);
    var nodeLayer = el("g", { "class": "nodes" }, view);
    edgeEls = [];
    edges.forEach(function (e, ei) {
      var pts = points[ei];
      var d;
      if (pts && pts.length) {
        d = "M" + pts.map(function (p) { return p.x.toFixed(1) + "," + p.y.toFixed(1); }).join("L");
      } else {  // a table referencing itself: a loop on its right edge
        var b = boxes[e[0]];
        d = "M" + (b.x + b.w) + "," + (b.y + 8) + "c30,0 30,16 0,16";
      }
      var path = el("path", { d: d, "class": "edge" + (e[4] ? "" : " soft"), "data-edge": ei }, edgeLayer);
      var title = el("title", {}, path);
      title.textContent = tables[e[0]].name + "(" + e[2].join(", ") + ") \u2192 " + tables[e[1]].name +
        "(" + e[3].join(", ") + ")" + (e[4] ? "" : " (relations() only, no foreign key)");
      edgeEls[ei] = path;
    });
    tables.forEach(function (tb, i) {
      var b = boxes[i];
      var a = el("a", { href: tb.page, "class": "node", "data-key": tb.key, "data-i": i }, nodeLayer);
      b.g = a;
      el("rect", { x: b.x, y: b.y, width: b.w, height: b.h, rx: 4 }, a);
      el("rect", { x: b.x, y: b.y, width: b.w, height: HEAD, rx: 4, "class": "head" }, a);
      var name = el("text", { x: b.x + PAD, y: b.y + 16, "class": "name" }, a);
      name.textContent = tb.name;
      rows(tb).forEach(function (c, r) {
        var yy = b.y + HEAD + 4 + (r + 1) * LINE - 4;
        var col = el("text", { x: b.x + PAD, y: yy, "class": "col" + (c[2].indexOf("P") >= 0 ? " pk" : "") }, a);
        col.textContent = mark(c) + c[0];
        var ty = el("text", { x: b.x + b.w - PAD, y: yy, "class": "type", "text-anchor": "end" }, a);
        ty.textContent = c[1];
      });
      a.addEventListener("mouseenter", function () { highlight(i, "hover"); });
      a.addEventListener("mouseleave", function () { highlight(selected, "hover"); });
    });
    highlight(selected, "select");
    var ms = Math.round(performance.now() - started);
    window.DRIZZLE_DOC_ER_STATS = { tables: tables.length, edges: edges.length, drawMs: ms, layoutMs: Math.round(laid - started), mode: mode };
    status.textContent = tables.length + " tables, " + edges.length + " relationships";
  }

  function highlight(i, why) {
    view.classList.toggle("focus", i >= 0);
    var keep = {};
    if (i >= 0) { keep[i] = "self"; neighbours[i].forEach(function (n) { keep[n[0]] = keep[n[0]] || "near"; }); }
    boxes.forEach(function (b, j) {
      b.g.classList.toggle("self", keep[j] === "self");
      b.g.classList.toggle("near", keep[j] === "near");
    });
    edgeEls.forEach(function (p, ei) {
      var e = edges[ei];
      p.classList.toggle("near", i >= 0 && (e[0] === i || e[1] === i));
    });
  }

  // -- pan and zoom -------------------------------------------------------------------------
  function apply() { view.setAttribute("transform", "translate(" + t.x + "," + t.y + ") scale(" + t.k + ")"); }

  function fit() {
    var r = svg.getBoundingClientRect();
    var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    boxes.forEach(function (b) {
      minX = Math.min(minX, b.x); minY = Math.min(minY, b.y);
      maxX = Math.max(maxX, b.x + b.w); maxY = Math.max(maxY, b.y + b.h);
    });
    if (!boxes.length) return;
    t.k = Math.min(1.5, Math.max(0.02, Math.min(r.width / (maxX - minX + 40), r.height / (maxY - minY + 40))));
    t.x = (r.width - (maxX - minX) * t.k) / 2 - minX * t.k;
    t.y = (r.height - (maxY - minY) * t.k) / 2 - minY * t.k;
    apply();
  }

  function centre(i) {
    var r = svg.getBoundingClientRect(), b = boxes[i];
    t.k = Math.max(t.k, 0.9);
    t.x = r.width / 2 - (b.x + b.w / 2) * t.k;
    t.y = r.height / 2 - (b.y + b.h / 2) * t.k;
    apply();
  }

  function select(i, move) {
    selected = i;
    highlight(i, "select");
    if (i >= 0 && move) centre(i);
  }

  var drag = null, moved = false;
  svg.addEventListener("pointerdown", function (ev) {
    drag = { x: ev.clientX, y: ev.clientY, tx: t.x, ty: t.y }; moved = false;
  });
  window.addEventListener("pointermove", function (ev) {
    if (!drag) return;
    var dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 4) moved = true;
    if (moved) { t.x = drag.tx + dx; t.y = drag.ty + dy; apply(); }
  });
  window.addEventListener("pointerup", function () { drag = null; });
  svg.addEventListener("click", function (ev) { if (moved) { ev.preventDefault(); moved = false; } }, true);
  svg.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var r = svg.getBoundingClientRect(), px = ev.clientX - r.left, py = ev.clientY - r.top;
    var k = Math.min(4, Math.max(0.02, t.k * Math.exp(-ev.deltaY * 0.0015)));
    t.x = px - (px - t.x) * (k / t.k); t.y = py - (py - t.y) * (k / t.k); t.k = k;
    apply();
  }, { passive: false });
  document.addEventListener("keydown", function (ev) {
    if (ev.target === search) return;
    var step = 60;
    if (ev.key === "ArrowLeft") t.x += step; else if (ev.key === "ArrowRight") t.x -= step;
    else if (ev.key === "ArrowUp") t.y += step; else if (ev.key === "ArrowDown") t.y -= step;
    else if (ev.key === "+" || ev.key === "=") t.k = Math.min(4, t.k * 1.2);
    else if (ev.key === "-") t.k = Math.max(0.02, t.k / 1.2);
    else if (ev.key === "/") { ev.preventDefault(); search.focus(); return; }
    else return;
    apply();
  });
  document.getElementById("er-fit").addEventListener("click", fit);

  // -- search -------------------------------------------------------------------------------
  function matches(q) {
    q = q.trim().toLowerCase();
    var out = [];
    if (!q) return out;
    tables.forEach(function (tb, i) {
      if (tb.name.toLowerCase().indexOf(q) >= 0) out.push({ i: i, label: tb.name, col: null });
      tb.columns.forEach(function (c) {
        if (c[0].toLowerCase().indexOf(q) >= 0) out.push({ i: i, label: tb.name + "." + c[0], col: c[0] });
      });
    });
    return out;
  }

  function showResults() {
    var found = matches(search.value);
    while (results.firstChild) results.removeChild(results.firstChild);
    var hit = {};
    found.forEach(function (m) { hit[m.i] = true; });
    boxes.forEach(function (b, j) { b.g.classList.toggle("match", !!hit[j]); });
    view.classList.toggle("searching", found.length > 0);
    results.hidden = !search.value.trim();
    if (!search.value.trim()) return;
    if (!found.length) {
      var none = document.createElement("li");
      none.textContent = "No table or column matches \u201c" + search.value.trim() + "\u201d";
      results.appendChild(none);
      return;
    }
    found.slice(0, 60).forEach(function (m) {
      var li = document.createElement("li");
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = m.label;
      b.setAttribute("data-i", m.i);
      b.addEventListener("click", function () { select(m.i, true); });
      li.appendChild(b);
      results.appendChild(li);
    });
    if (found.length > 60) {
      var more = document.createElement("li");
      more.textContent = (found.length - 60) + " more\u2026";
      results.appendChild(more);
    }
  }
  search.addEventListener("input", showResults);
  search.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") { var f = matches(search.value); if (f.length) select(f[0].i, true); }
    if (ev.key === "Escape") { search.value = ""; showResults(); }
  });

  // -- modes and the URL -----------------------------------------------------------------
  Array.prototype.forEach.call(document.querySelectorAll('input[name="er-mode"]'), function (r) {
    r.checked = r.value === mode;
    r.addEventListener("change", function () { if (r.checked) { mode = r.value; draw(); showResults(); } });
  });

  function fromHash() {
    var m = /(?:^#|&)t=([^&]*)/.exec(location.hash);
    if (!m) return false;
    var key = decodeURIComponent(m[1]);
    for (var i = 0; i < tables.length; i++) if (tables[i].key === key) { select(i, true); return true; }
    return false;
  }
  window.addEventListener("hashchange", fromHash);

  draw();
  if (!fromHash()) fit();
  document.body.setAttribute("data-er-ready", "1");
})();
