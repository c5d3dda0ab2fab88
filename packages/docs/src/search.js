// The search, loaded by site.js when the search box is first used, after assets/search-index.js: MiniSearch
// (prefix and fuzzy matching, ranked) over every provider, message, field, value and header; results
// grouped by kind; a combobox that works with the keyboard alone (arrows, Enter, Escape).
import MiniSearch from "minisearch";

(function () {
  var data = window.webhookContractsSearchIndex;
  var input = document.getElementById("search-input");
  var panel = document.getElementById("search-results");
  if (!data || !input || !panel) return;
  var root = document.body.getAttribute("data-root") || "";
  var groupTitles = { provider: "Providers", message: "Messages", field: "Fields", value: "Status and enum values", header: "Headers" };
  var perGroup = 8;
  var docs = data.rows.map(function (r, id) {
    return {
      id: id,
      kind: data.kinds[r[0]],
      title: r[1],
      context: r[2],
      text: r[3],
      url: data.pages[r[4]] + (r[5] === 1 ? "#field-" + r[1] : r[5] ? "#" + r[5] : ""),
    };
  });
  var search = new MiniSearch({
    fields: ["title", "context", "text"],
    storeFields: [],
    // Field paths and header names split into their words, so "total" finds payload.price.total.
    tokenize: function (s) {
      return s.split(/[\s.,;:!?()[\]{}"'`/\\=|<>*+-]+/).filter(Boolean);
    },
    searchOptions: {
      boost: { title: 4, context: 1.5 },
      prefix: true,
      fuzzy: function (term) {
        return term.length > 4 ? 0.2 : false;
      },
      combineWith: "AND",
    },
  });
  search.addAll(docs);

  var options = [];
  var active = -1;

  function setActive(i) {
    if (active >= 0 && options[active]) options[active].setAttribute("aria-selected", "false");
    active = i;
    if (active >= 0 && options[active]) {
      options[active].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({ block: "nearest" });
    } else input.removeAttribute("aria-activedescendant");
  }

  function close() {
    panel.hidden = true;
    input.setAttribute("aria-expanded", "false");
    setActive(-1);
  }

  function render(query) {
    panel.textContent = "";
    options = [];
    active = -1;
    var q = query.trim();
    if (!q) return close();
    var exact = q.toLowerCase();
    var hits = search.search(q).map(function (h) {
      var d = docs[h.id];
      // An exact name (a field's last segment, a value, a header) comes before partial matches.
      var last = d.title.toLowerCase().split(".").pop();
      return { doc: d, score: h.score * (d.title.toLowerCase() === exact || last === exact ? 10 : 1) };
    });
    hits.sort(function (a, b) {
      return b.score - a.score;
    });
    var groups = {};
    hits.forEach(function (h) {
      (groups[h.doc.kind] = groups[h.doc.kind] || []).push(h.doc);
    });
    var any = false;
    // Groups in the order of their best hit: "Issued" shows the status first, the fields that mention it after.
    var order = [];
    hits.forEach(function (h) {
      if (order.indexOf(h.doc.kind) < 0) order.push(h.doc.kind);
    });
    order.forEach(function (kind) {
      var list = groups[kind];
      if (!list) return;
      any = true;
      var group = document.createElement("div");
      group.setAttribute("role", "group");
      group.className = "search-group";
      group.setAttribute("aria-labelledby", "search-group-" + kind);
      var heading = document.createElement("div");
      heading.className = "search-group-title";
      heading.id = "search-group-" + kind;
      heading.setAttribute("role", "presentation");
      heading.textContent = groupTitles[kind] + " (" + list.length + ")";
      group.appendChild(heading);
      list.slice(0, perGroup).forEach(function (d) {
        var option = document.createElement("a");
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.id = "search-option-" + options.length;
        option.className = "search-option kind-" + kind;
        option.href = root + d.url;
        option.tabIndex = -1;
        var title = document.createElement("span");
        title.className = "search-title";
        title.textContent = d.title;
        var context = document.createElement("span");
        context.className = "search-context";
        context.textContent = d.context;
        var text = document.createElement("span");
        text.className = "search-text";
        text.textContent = d.text;
        option.appendChild(title);
        option.appendChild(context);
        option.appendChild(text);
        options.push(option);
        group.appendChild(option);
      });
      if (list.length > perGroup) {
        var more = document.createElement("div");
        more.className = "search-more";
        more.setAttribute("role", "presentation");
        more.textContent = list.length - perGroup + " more " + groupTitles[kind].toLowerCase() + ": narrow the search";
        group.appendChild(more);
      }
      panel.appendChild(group);
    });
    if (!any) {
      var none = document.createElement("div");
      none.className = "search-none";
      none.setAttribute("role", "presentation");
      none.textContent = "Nothing matches “" + q + "”.";
      panel.appendChild(none);
    }
    panel.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  input.addEventListener("input", function () {
    render(input.value);
  });
  input.addEventListener("focus", function () {
    if (input.value.trim()) render(input.value);
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (panel.hidden) render(input.value);
      if (!options.length) return;
      e.preventDefault();
      var step = e.key === "ArrowDown" ? 1 : -1;
      setActive((active + step + options.length) % options.length);
    } else if (e.key === "Enter") {
      var target = options[active >= 0 ? active : 0];
      if (target) {
        e.preventDefault();
        location.href = target.href;
      }
    } else if (e.key === "Escape") {
      close();
    }
  });
  document.addEventListener("click", function (e) {
    if (!panel.contains(e.target) && e.target !== input) close();
  });
  // A result that links into the page already shown changes only the hash: close the list then.
  panel.addEventListener("click", function () {
    close();
  });
  if (document.activeElement === input || input.value) render(input.value);
})();
