/* The network views' own script: draws the embedded graph with vis-network and
   wires the filters, the search and the details panel. All user text is set as text. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("graph-data").textContent);
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var filter = { kinds: {}, area: "", status: "" };
  document.querySelectorAll("input[name=kind]").forEach(function (box) { filter.kinds[box.value] = box.checked; });

  function visible(n) {
    if (!filter.kinds[n.kind]) { return false; }
    if (filter.area && n.areas.indexOf(filter.area) < 0) { return false; }
    // The status filter picks processes; other items stay so their links remain readable.
    if (filter.status && n.kind === "Process" && n.status !== filter.status) { return false; }
    return true;
  }

  var shownNodes = new vis.DataView(nodes, { filter: visible });
  var container = document.getElementById("network");
  var started = performance.now();
  var network = new vis.Network(container, { nodes: shownNodes, edges: edges }, data.options);
  var shownCount = document.getElementById("shown-count");
  var details = document.getElementById("details-text");
  var api = {
    nodes: nodes, edges: edges, shown: shownNodes, network: network,
    drawnMs: null, ready: false,
    shownIds: function () { return shownNodes.getIds(); }
  };
  window.assuranceMap = api;

  // Ready once drawn with every node at rest: at once for a fixed layout, after stabilising otherwise.
  var settled = !(data.options.physics && data.options.physics.enabled);
  network.on("stabilizationIterationsDone", function () {
    settled = true;
    network.setOptions({ physics: { enabled: false } });
  });
  network.on("afterDrawing", function () {
    if (settled && !api.ready) {
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

  function show(id) {
    var n = nodes.get(id);
    details.textContent = n ? n.title : "";
  }
  network.on("click", function (params) { if (params.nodes.length) { show(params.nodes[0]); } });

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

  document.getElementById("search").addEventListener("submit", function (e) {
    e.preventDefault();
    var found = find(document.getElementById("search-text").value);
    var result = document.getElementById("search-result");
    if (!found.length) { result.textContent = "Nothing shown matches."; return; }
    var ids = found.map(function (n) { return n.id; });
    network.selectNodes(ids);
    network.focus(ids[0], { scale: 1.2, animation: false });
    show(ids[0]);
    result.textContent = found.length === 1 ? "Found 1 item." : "Found " + found.length + " items; showing the first.";
  });
}());
