// Search over labels and synonyms, without a server: the index is window.TKIROS_INDEX, loaded by
// search-index.js (a <script>, so it works from file:// as well as over HTTP).
(function () {
  "use strict";
  var norm = function (s) { return s.toLowerCase().replace(/[\s\-\u2010-\u2015_]+/g, ""); };
  var root = document.body.getAttribute("data-root") || "";
  var input = document.getElementById("q"), list = document.getElementById("hits");
  if (!input || !list || !window.TKIROS_INDEX) { return; }
  var entries = window.TKIROS_INDEX.map(function (e) {
    return { label: e[0], names: [e[0]].concat(e[1]), path: e[2], kind: e[3] };
  });
  function find(text) {
    var want = norm(text), hits = [];
    if (!want) { return hits; }
    entries.forEach(function (e) {
      var best = null;
      e.names.forEach(function (name) {
        var n = norm(name), rank = n === want ? 0 : n.indexOf(want) === 0 ? 1 : n.indexOf(want) > 0 ? 2 : -1;
        if (rank >= 0 && (best === null || rank < best.rank)) { best = { rank: rank, name: name }; }
      });
      if (best) { hits.push({ e: e, rank: best.rank, via: best.name }); }
    });
    hits.sort(function (a, b) { return a.rank - b.rank || a.e.label.length - b.e.label.length || (a.e.label < b.e.label ? -1 : 1); });
    return hits.slice(0, 25);
  }
  function show() {
    list.textContent = "";
    find(input.value).forEach(function (h) {
      var li = document.createElement("li"), a = document.createElement("a"), kind = document.createElement("span");
      a.href = root + h.e.path;
      a.textContent = h.e.label;
      kind.className = "kind";
      kind.textContent = h.e.kind;
      a.appendChild(kind);
      if (h.via !== h.e.label) {
        var via = document.createElement("span");
        via.className = "via";
        via.textContent = "(" + h.via + ")";
        a.appendChild(via);
      }
      li.appendChild(a);
      list.appendChild(li);
    });
  }
  input.addEventListener("input", show);
  input.addEventListener("keydown", function (ev) {
    var first = list.querySelector("a");
    if (ev.key === "Enter" && first) { window.location.href = first.href; }
  });
}());
