/* The network views' own script: draws the embedded graph with vis-network at the positions
   the server computed, opens at a zoom where every label is legible, and wires the filters,
   the search and the details panel. All user text is set as text, never as markup. */
(function () {
  "use strict";
  var MIN_SCALE = 0.8; // below this the 14px labels become hard to read
  var MARGIN = 40;
  var data = JSON.parse(document.getElementById("graph-data").textContent);
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var filter = { kinds: {}, area: "", status: "" };
  document.querySelectorAll("input[name=kind]").forEach(function (box) { filter.kinds[box.value] = box.checked; });

  function visible(n) {
    if (n.area_box || n.marker) { return !filter.area || n.areas.indexOf(filter.area) >= 0 || n.marker; }
    if (!filter.kinds[n.kind]) { return false; }
    if (filter.area && n.areas.indexOf(filter.area) < 0) { return false; }
    // The status filter picks processes; other items stay so their links remain readable.
    if (filter.status && n.kind === "Process" && n.status !== filter.status) { return false; }
    return true;
  }

  var shownNodes = new vis.DataView(nodes, { filter: visible });
  var container = document.getElementById("network");
  var started = performance.now();
  var options = {
    physics: { enabled: false },
    layout: { improvedLayout: false, randomSeed: 1 },
    interaction: { hover: true, tooltipDelay: 200, dragNodes: false, hideEdgesOnDrag: data.nodes.length > 400,
                   keyboard: { enabled: true, bindToWindow: false } },
    edges: { arrows: { to: { enabled: true, scaleFactor: 0.55 } }, smooth: false, width: 1.2,
             hoverWidth: 0.8, selectionWidth: 1.5 },
    nodes: {}
  };
  var network = new vis.Network(container, { nodes: shownNodes, edges: edges }, options);
  var shownCount = document.getElementById("shown-count");
  var details = document.getElementById("details-text");
  var detailLinks = document.getElementById("details-links");
  var api = {
    nodes: nodes, edges: edges, shown: shownNodes, network: network, data: data,
    drawnMs: null, ready: false,
    shownIds: function () { return shownNodes.getIds(); }
  };
  window.assuranceMap = api;

  function bounds(list) {
    var b = null;
    list.forEach(function (n) {
      var w = n.size_px[0] / 2, h = n.size_px[1] / 2;
      var box = { left: n.x - w, right: n.x + w, top: n.y - h, bottom: n.y + h };
      if (!b) { b = box; return; }
      b.left = Math.min(b.left, box.left); b.right = Math.max(b.right, box.right);
      b.top = Math.min(b.top, box.top); b.bottom = Math.max(b.bottom, box.bottom);
    });
    return b;
  }

  // The opening view: everything if it fits at a legible size; otherwise legible, starting at
  // the focus or at the top left, where the map begins.
  function openingView() {
    var all = nodes.get();
    if (!all.length) { return; }
    var b = bounds(all);
    b.top -= 46; // the column headings
    var w = container.clientWidth, h = container.clientHeight;
    var scale = Math.min((w - 2 * MARGIN) / (b.right - b.left), (h - 2 * MARGIN) / (b.bottom - b.top), 1.0);
    var centre = { x: (b.left + b.right) / 2, y: (b.top + b.bottom) / 2 };
    if (scale < MIN_SCALE) { // legible, from the left edge, at the top of the processes
      scale = MIN_SCALE;
      var column = all.filter(function (n) { return n.kind === "Process" || n.area_box; });
      var top = column.length ? bounds(column).top - 70 : b.top;
      if (data.expanded) {
        var opened = all.filter(function (n) { return n.kind === "Process"; });
        if (opened.length) { top = bounds(opened).top - 70; }
      }
      centre = { x: b.left + (w / 2 - MARGIN) / scale, y: Math.max(b.top, top) + (h / 2 - MARGIN) / scale };
    }
    var focus = data.focus ? nodes.get(data.focus) : null;
    // A neighbourhood is centred on its item; a chain shows whole when it can, level with its process.
    if (focus && (data.kind !== "chain" || scale === MIN_SCALE)) { centre = { x: focus.x, y: focus.y }; }
    else if (focus) { centre.y = focus.y; }
    network.moveTo({ position: centre, scale: scale, animation: false });
    if (focus) { network.selectNodes([focus.id]); show(focus.id); }
  }

  // The name of each area and line, over its group of boxes.
  network.on("beforeDrawing", function (ctx) {
    ctx.save();
    ctx.font = "italic bold 13px Liberation Sans, Arial, sans-serif";
    ctx.fillStyle = "#3c4043";
    ctx.textAlign = "center";
    data.groups.forEach(function (grp) { ctx.fillText(grp.title, grp.x, grp.y); });
    ctx.restore();
  });

  // Column headings stay at the top of the drawing area, over a pale band, wherever it is moved.
  network.on("afterDrawing", function (ctx) {
    if (!data.columns.length) { return; }
    var scale = network.getScale();
    var topLeft = network.DOMtoCanvas({ x: 0, y: 0 });
    var right = network.DOMtoCanvas({ x: container.clientWidth, y: 0 }).x;
    ctx.save();
    ctx.fillStyle = "rgba(255,255,255,0.9)";
    ctx.fillRect(topLeft.x, topLeft.y, right - topLeft.x, 44 / scale);
    ctx.fillStyle = "#3c4043";
    ctx.textAlign = "center";
    data.columns.forEach(function (c) {
      c.title.forEach(function (line, i) {
        ctx.font = (i ? "" : "bold ") + (13 / scale) + "px Liberation Sans, Arial, sans-serif";
        ctx.fillText(line, c.x, topLeft.y + (18 + 16 * i) / scale);
      });
    });
    ctx.restore();
  });

  var opened = false;
  network.on("afterDrawing", function () {
    if (!opened) { opened = true; openingView(); return; }
    if (!api.ready) {
      api.drawnMs = performance.now() - started;
      api.ready = true;
      document.body.setAttribute("data-ready", "true");
    }
  });

  function refresh() {
    shownNodes.refresh();
    shownCount.textContent = String(shownNodes.length);
  }
  document.querySelectorAll("input[name=kind]").forEach(function (box) {
    box.addEventListener("change", function () { filter.kinds[box.value] = box.checked; refresh(); });
  });
  document.getElementById("area-filter").addEventListener("change", function (e) { filter.area = e.target.value; refresh(); });
  document.getElementById("status-filter").addEventListener("change", function (e) { filter.status = e.target.value; refresh(); });

  function addLink(text, href) {
    if (!href) { return; }
    var a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    if (detailLinks.childNodes.length) { detailLinks.appendChild(document.createTextNode(" \u00b7 ")); }
    detailLinks.appendChild(a);
  }

  function show(id) {
    var n = nodes.get(id);
    details.textContent = n ? n.title : "";
    detailLinks.textContent = "";
    if (n && !n.area_box) {
      addLink("Open its record", n.url);
      addLink("Oversight chain", n.chain);
    }
  }
  network.on("click", function (params) {
    if (!params.nodes.length) { return; }
    var n = nodes.get(params.nodes[0]);
    if (n.area_box && n.url) { window.location.assign(n.url); return; }
    show(n.id);
  });
  network.on("doubleClick", function (params) {
    var n = params.nodes.length ? nodes.get(params.nodes[0]) : null;
    if (n && n.url) { window.location.assign(n.url); }
  });

  function find(text) {
    var q = text.trim().toLowerCase();
    if (!q) { return []; }
    var exact = shownNodes.get({ filter: function (n) { return n.id.toLowerCase() === q; } });
    if (exact.length) { return exact; }
    return shownNodes.get({ filter: function (n) {
      return n.id.toLowerCase().indexOf(q) >= 0 || n.name.toLowerCase().indexOf(q) >= 0;
    } });
  }
  api.find = function (text) { return find(text).map(function (n) { return n.id; }); };
  // The drawn box of each shown node, in page pixels: for checking that none overlap.
  api.boxes = function () {
    var rect = container.getBoundingClientRect();
    return shownNodes.getIds().map(function (id) {
      var b = network.getBoundingBox(id);
      var tl = network.canvasToDOM({ x: b.left, y: b.top }), br = network.canvasToDOM({ x: b.right, y: b.bottom });
      return { id: id, left: rect.left + tl.x, top: rect.top + tl.y, right: rect.left + br.x, bottom: rect.top + br.y };
    });
  };

  document.getElementById("search").addEventListener("submit", function (e) {
    e.preventDefault();
    var found = find(document.getElementById("search-text").value);
    var result = document.getElementById("search-result");
    if (!found.length) { result.textContent = "Nothing shown matches."; return; }
    var ids = found.map(function (n) { return n.id; });
    network.selectNodes(ids);
    network.focus(ids[0], { scale: Math.max(network.getScale(), 1.0), animation: false });
    show(ids[0]);
    result.textContent = found.length === 1 ? "Found 1 item." : "Found " + found.length + " items; showing the first.";
  });
}());
