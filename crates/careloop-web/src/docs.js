(function () {
  "use strict";
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function pre(value) { return el("pre", null, JSON.stringify(value, null, 2)); }
  fetch("/api/openapi.json").then(function (r) { return r.json(); }).then(function (doc) {
    var ops = document.getElementById("ops");
    ops.textContent = "";
    var byTag = {};
    Object.keys(doc.paths).forEach(function (path) {
      Object.keys(doc.paths[path]).forEach(function (method) {
        var op = doc.paths[path][method];
        var tag = (op.tags && op.tags[0]) || "other";
        (byTag[tag] = byTag[tag] || []).push({ path: path, method: method, op: op });
      });
    });
    Object.keys(byTag).forEach(function (tag) {
      ops.appendChild(el("h2", null, tag));
      byTag[tag].forEach(function (o) {
        var d = el("details");
        var s = el("summary");
        s.appendChild(el("span", "m " + o.method, o.method.toUpperCase()));
        s.appendChild(el("code", null, o.path));
        s.appendChild(document.createTextNode(" — " + (o.op.summary || "")));
        d.appendChild(s);
        if (o.op.operationId) d.appendChild(el("p", "muted", "operationId: " + o.op.operationId));
        if (o.op.parameters && o.op.parameters.length) {
          d.appendChild(el("h4", null, "Parameters"));
          d.appendChild(pre(o.op.parameters));
        }
        if (o.op.requestBody) {
          d.appendChild(el("h4", null, "Request body"));
          d.appendChild(pre(o.op.requestBody.content["application/json"].schema));
        }
        d.appendChild(el("h4", null, "Responses"));
        d.appendChild(pre(o.op.responses));
        ops.appendChild(d);
      });
    });
    var schemas = document.getElementById("schemas");
    var all = (doc.components && doc.components.schemas) || {};
    Object.keys(all).sort().forEach(function (name) {
      var d = el("details");
      d.id = "schema-" + name;
      d.appendChild(el("summary", null, name));
      d.appendChild(pre(all[name]));
      schemas.appendChild(d);
    });
  }).catch(function (e) {
    document.getElementById("ops").textContent = "Could not load /api/openapi.json: " + e;
  });
})();
