// What every page does (small, loaded on every page): "/" focuses the search, whose code and index load on
// first use (as classic scripts, so they load from file:// too); the field list's folds follow the URL's
// hash; "Expand all" and "Collapse all"; the menu folds away on a phone.
(function () {
  var root = document.body.getAttribute("data-root") || "";
  var input = document.getElementById("search-input");

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = root + src;
      s.onload = resolve;
      s.onerror = reject;
      document.body.appendChild(s);
    });
  }

  var searchLoading = null;
  function loadSearch() {
    if (!searchLoading) {
      searchLoading = loadScript("assets/search-index.js").then(function () {
        return loadScript("assets/search.js");
      });
    }
    return searchLoading;
  }

  if (input) {
    input.addEventListener("focus", loadSearch);
    input.addEventListener("input", loadSearch);
    var q = new URLSearchParams(location.search).get("q");
    if (q) {
      input.value = q;
      loadSearch();
    }
  }

  document.addEventListener("keydown", function (e) {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey || !input) return;
    var t = e.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)) return;
    e.preventDefault();
    input.focus();
  });

  // Each field's JSON Pointer (what validation errors name), from its id (`field-payload.lineItems[].name`
  // is /payload/lineItems/*/name): written here, not in the HTML, which is smaller for it.
  document.querySelectorAll("ul.fields > li[id^='field-']").forEach(function (li) {
    var path = li.id.slice(6).split(".");
    var pointer = "";
    path.forEach(function (part) {
      var items = part.match(/(\[\])+$/);
      var name = items ? part.slice(0, -items[0].length) : part;
      pointer += "/" + name.replace(/~/g, "~0").replace(/\//g, "~1") + (items ? "/*".repeat(items[0].length / 2) : "");
    });
    li.setAttribute("data-pointer", pointer);
  });

  // A shared link to a field deep in a folded object: open every fold around it, then show it.
  function revealHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (!id) return;
    var target = document.getElementById(id);
    if (!target) return;
    for (var el = target.parentElement; el; el = el.parentElement) if (el.tagName === "DETAILS") el.open = true;
    if (target.tagName === "DETAILS") target.open = true;
    target.scrollIntoView({ block: "start" });
  }
  window.addEventListener("hashchange", revealHash);
  revealHash();

  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("[data-fold]");
    if (!button) return;
    var open = button.getAttribute("data-fold") === "open";
    var section = button.closest("section") || document;
    section.querySelectorAll("details.children").forEach(function (d) {
      d.open = open;
    });
  });

  // The menu is open for wide screens (its summary hidden there) and folded on a phone.
  var sidebar = document.querySelector("details.sidebar");
  if (sidebar && window.matchMedia("(max-width: 899px)").matches) sidebar.open = false;
  if (sidebar) {
    sidebar.addEventListener("toggle", function () {
      if (!sidebar.open && !window.matchMedia("(max-width: 899px)").matches) sidebar.open = true;
    });
  }
})();
