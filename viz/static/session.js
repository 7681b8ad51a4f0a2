/* For pages served by assurance-map to a signed-in browser: every state-changing request the page
   makes to its own server carries the session's CSRF token (from the assurance_map_csrf cookie),
   as the X-CSRF-Token header on fetch() and as a csrf_token field on form posts. Requests to other
   origins never get it. With no session (no keys configured, or a saved page) it does nothing. */
(function () {
  "use strict";
  function token() {
    var m = document.cookie.match(/(?:^|;\s*)assurance_map_csrf=([^;]*)/);
    return m ? decodeURIComponent(m[1]) : null;
  }
  function unsafe(method) { return !/^(GET|HEAD|OPTIONS)$/i.test(method || "GET"); }
  function own(url) {
    try { return new URL(url, window.location.href).origin === window.location.origin; } catch (e) { return false; }
  }
  var send = window.fetch;
  if (send) {
    window.fetch = function (input, init) {
      var request = input instanceof Request ? input : null;
      var options = init || {};
      var method = options.method || (request ? request.method : "GET");
      var t = token();
      if (t && unsafe(method) && own(request ? request.url : String(input))) {
        var headers = new Headers(options.headers || (request ? request.headers : undefined));
        headers.set("X-CSRF-Token", t);
        options = Object.assign({}, options, { headers: headers });
      }
      return send.call(this, input, options);
    };
  }
  document.addEventListener("submit", function (event) {
    var form = event.target, t = token();
    if (!t || !unsafe(form.method) || !own(form.action)) { return; }
    var field = form.querySelector("input[name=csrf_token]");
    if (!field) {
      field = document.createElement("input");
      field.type = "hidden";
      field.name = "csrf_token";
      form.appendChild(field);
    }
    field.value = t;
  }, true);
})();
