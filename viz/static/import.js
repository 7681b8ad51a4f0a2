/* The import page: preview uploaded papers, adjust the column map, then write or cancel.
   Every text from the files is put in the page with textContent, never as HTML. */
(function () {
  "use strict";
  var form = document.getElementById("upload");
  var out = document.getElementById("preview");
  var token = null;
  var current = null;

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  function where(i) {
    return [i.file, i.table, i.row !== null && i.row !== undefined ? "row " + i.row : null,
            i.column ? "column " + i.column : null].filter(Boolean).join(", ");
  }

  function issueList(title, items, cls) {
    var box = el("section", null, cls);
    box.appendChild(el("h3", title + " (" + items.length + ")"));
    var ul = el("ul");
    items.forEach(function (i) {
      var li = el("li");
      li.appendChild(el("span", where(i), "where"));
      li.appendChild(document.createTextNode(": " + i.message));
      if (i.value) li.appendChild(el("span", " (value '" + i.value + "')", "value"));
      ul.appendChild(li);
    });
    box.appendChild(ul);
    return box;
  }

  function fieldSelect(fields, chosen, header) {
    var s = el("select");
    s.dataset.header = header;
    s.setAttribute("aria-label", "field for " + header);
    fields.concat(["ignore"]).forEach(function (f) {
      var o = el("option", f);
      o.value = f;
      if (f === chosen) o.selected = true;
      s.appendChild(o);
    });
    return s;
  }

  function renderPreview(p) {
    var box = el("section", null, "file-preview");
    box.appendChild(el("h2", p.file));
    var fit = Object.keys(p.scores).map(function (k) { return k + " " + p.scores[k]; }).join(", ");
    box.appendChild(el("p", "Read as " + p.adapter + " (fit: " + fit + "); id prefix '" + p.prefix + "'", "layout"));
    if (p.sections.length) {
      box.appendChild(el("h3", "Sections (" + p.sections.length + ")"));
      var ul = el("ul");
      p.sections.forEach(function (s) { ul.appendChild(el("li", s)); });
      box.appendChild(ul);
    }
    p.tables.forEach(function (t) {
      var table = el("table", null, "column-map");
      table.appendChild(el("caption", t.layout + " header at " + t.where));
      var head = el("tr");
      ["Column in the paper", "Field", "Confidence", "Matched by"].forEach(function (h) { head.appendChild(el("th", h)); });
      table.appendChild(head);
      t.columns.forEach(function (c) {
        var tr = el("tr");
        tr.appendChild(el("td", c.header));
        var td = el("td");
        td.appendChild(fieldSelect(p.fields, c.field, c.header));
        tr.appendChild(td);
        tr.appendChild(el("td", c.confidence.toFixed(2), "num"));
        tr.appendChild(el("td", c.how));
        table.appendChild(tr);
      });
      t.ignored.forEach(function (h) {
        var tr = el("tr", null, "ignored");
        tr.appendChild(el("td", h));
        var td = el("td");
        td.appendChild(fieldSelect(p.fields, "ignore", h));
        tr.appendChild(td);
        tr.appendChild(el("td", "", "num"));
        tr.appendChild(el("td", "not recognised"));
        table.appendChild(tr);
      });
      box.appendChild(table);
    });
    box.appendChild(el("p", "Rows read: " + p.rows_read + "; merged: " + p.merged.length + "; skipped: " +
                       p.skipped.length, "counts"));
    [["Merged", p.merged], ["Skipped", p.skipped]].forEach(function (pair) {
      if (!pair[1].length) return;
      var d = el("details");
      d.appendChild(el("summary", pair[0] + " rows (" + pair[1].length + ")"));
      var ul = el("ul");
      pair[1].forEach(function (s) { ul.appendChild(el("li", s)); });
      d.appendChild(ul);
      box.appendChild(d);
    });
    var makes = Object.keys(p.nodes).map(function (k) { return p.nodes[k] + " " + k; }).concat(
      Object.keys(p.edges).map(function (k) { return p.edges[k] + " " + k; }));
    box.appendChild(el("p", "Makes: " + (makes.join(", ") || "nothing"), "makes"));
    return box;
  }

  function render(body, written) {
    out.replaceChildren();
    current = body;
    out.appendChild(el("p", body.summary, written ? "summary written" : "summary"));
    (body.previews || []).forEach(function (p) { out.appendChild(renderPreview(p)); });
    if (body.errors.length) out.appendChild(issueList("Errors", body.errors, "errors"));
    if (body.warnings.length) out.appendChild(issueList("Warnings", body.warnings, "warnings"));
    if (written || !token) return;
    var actions = el("p", null, "actions");
    var write = el("button", "Write");
    write.type = "button";
    write.id = "write";
    write.addEventListener("click", commit);
    var cancel = el("button", "Cancel");
    cancel.type = "button";
    cancel.id = "cancel";
    cancel.addEventListener("click", drop);
    actions.appendChild(write);
    actions.appendChild(cancel);
    out.appendChild(actions);
  }

  function problem(body) {
    if (body && body.report) return render(body.report, false);
    out.replaceChildren(el("p", (body && (body.detail || body.title)) || "The request failed.", "errors"));
  }

  function mapping() {
    var columns = {};
    out.querySelectorAll("select[data-header]").forEach(function (s) { columns[s.dataset.header] = s.value; });
    // The same choices as the preview: each file keeps the layout and prefix it was read with.
    return {adapter: form.adapter.value, prefix: form.prefix.value || null, columns: columns};
  }

  async function preview(ev) {
    ev.preventDefault();
    out.replaceChildren(el("p", "Reading the files..."));  // at once: nothing of the last preview stays
    var old = token;
    token = null;
    if (old) await fetch("/imports/" + encodeURIComponent(old), {method: "DELETE", credentials: "same-origin"});
    var data = new FormData(form);
    if (!data.get("prefix")) data.delete("prefix");
    var r = await fetch("/imports/preview", {method: "POST", body: data, credentials: "same-origin"});
    var body = await r.json();
    if (!r.ok) return problem(body);
    token = body.token;
    render(body, false);
  }

  async function commit() {
    var r = await fetch("/imports/" + encodeURIComponent(token), {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json"}, body: JSON.stringify(mapping())});
    var body = await r.json();
    if (!r.ok) return problem(body);
    token = null;
    render(body, true);
  }

  async function drop() {
    await fetch("/imports/" + encodeURIComponent(token), {method: "DELETE", credentials: "same-origin"});
    token = null;
    out.replaceChildren(el("p", "Cancelled: nothing was written.", "summary"));
  }

  form.addEventListener("submit", preview);
  window.assuranceMap = {ready: true};
}());
