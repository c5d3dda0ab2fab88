// Search over messages and fields: the index is inlined in the home page, so it works from file:// too.
(function () {
  var input = document.getElementById("search-input");
  var list = document.getElementById("search-results");
  var data = document.getElementById("search-index");
  if (!input || !list || !data) return;
  var index = JSON.parse(data.textContent);
  function render(query) {
    var terms = query.toLowerCase().split(/\s+/).filter(Boolean);
    list.textContent = "";
    if (terms.length === 0) return;
    var hits = index.filter(function (e) {
      var hay = (e.provider + " " + e.message + " " + e.title + " " + e.text).toLowerCase();
      return terms.every(function (t) {
        return hay.indexOf(t) >= 0;
      });
    });
    hits.sort(function (a, b) {
      // Exact field or message names first.
      var q = terms.join(" ");
      var ax = a.title.toLowerCase().split(".").pop() === q || a.message === q ? 0 : 1;
      var bx = b.title.toLowerCase().split(".").pop() === q || b.message === q ? 0 : 1;
      return ax - bx;
    });
    hits.slice(0, 60).forEach(function (e) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = e.url;
      a.textContent = e.kind === "field" ? e.title : e.message;
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = " " + (e.kind === "field" ? "field of " + e.provider + " " + e.message : e.provider + " message: " + e.title) + " — " + e.text;
      li.appendChild(a);
      li.appendChild(kind);
      list.appendChild(li);
    });
    if (hits.length === 0) list.innerHTML = "<li>No message or field matches.</li>";
    else if (hits.length > 60) {
      var more = document.createElement("li");
      more.textContent = hits.length - 60 + " more: narrow the search.";
      list.appendChild(more);
    }
  }
  input.addEventListener("input", function () {
    render(input.value);
  });
  var q = new URLSearchParams(location.search).get("q");
  if (q) {
    input.value = q;
    render(q);
  }
})();
