// The payload checker's UI on provider and message pages (markup: build/checker-markup.ts). A classic
// script, so that the site works from file://: on first use it loads the provider's bundle
// (data-bundle, built by build/checker.ts), which validates with the validators the npm package ships and
// signs with the receiver's own signer. Whatever comes from the body is written with textContent; the
// secret is never stored and nothing is sent anywhere.
(function () {
  "use strict";

  function start() {
    const section = document.getElementById("checker");
    if (!section || section.dataset.ready === "true") return;
    section.dataset.ready = "true";
    const provider = section.dataset.provider || "";
    const pageMessage = section.dataset.message || "";
    const root = section.dataset.root || "";
    const byId = (id) => document.getElementById(id);
    const body = byId("checker-body");
    const fileInput = byId("checker-file");
    const runButton = byId("checker-run");
    const statusEl = byId("checker-status");
    const summaryEl = byId("checker-summary");
    const issuesEl = byId("checker-issues");
    // One set of signing inputs and one result block per alternative that signs, paired by data-scheme.
    const signatures = [];
    for (const fieldset of section.querySelectorAll("fieldset.checker-signature[data-scheme]")) {
      const scheme = fieldset.dataset.scheme;
      let result = null;
      for (const el of section.querySelectorAll(".checker-signature-result[data-scheme]")) if (el.dataset.scheme === scheme) result = el;
      const headers = result && result.querySelector(".checker-headers code");
      const match = result && result.querySelector(".checker-match");
      if (!headers || !match) continue;
      signatures.push({
        scheme: scheme,
        secret: fieldset.querySelector(".checker-secret"),
        timestamp: fieldset.querySelector(".checker-timestamp"),
        id: fieldset.querySelector(".checker-id"),
        received: fieldset.querySelector(".checker-received"),
        result: result,
        block: result.querySelector(".checker-headers-block"),
        headers: headers,
        match: match,
      });
    }
    if (!body || !runButton || !statusEl || !summaryEl || !issuesEl) return;

    // ---- the provider's bundle, loaded once, on first use ----
    let loading = null;
    const registered = () => (window.webhookContractsChecker || {})[provider];
    function load() {
      if (!loading) {
        loading = new Promise((resolve, reject) => {
          if (registered()) return resolve(registered());
          const script = document.createElement("script");
          script.src = section.dataset.bundle || "";
          script.onload = () => (registered() ? resolve(registered()) : reject(new Error(script.src + " did not register the " + provider + " checker")));
          script.onerror = () => reject(new Error("could not load " + script.src));
          document.head.appendChild(script);
        });
        // A failed load may be retried by the next check.
        loading.catch(() => {
          loading = null;
        });
      }
      return loading;
    }
    const warmUp = () => {
      load().catch((error) => setStatus("The checker could not be loaded: " + error.message, true));
    };
    for (const type of ["focusin", "input", "click", "dragenter", "drop"]) section.addEventListener(type, warmUp);

    // ---- the body: typed or pasted text, or a file's exact bytes while the box still shows them ----
    let file = null; // { bytes, text, shown, name }
    body.addEventListener("input", () => {
      if (file && body.value !== file.shown) file = null;
    });
    function takeFile(f) {
      if (!f) return;
      f.arrayBuffer().then(
        (buffer) => {
          const bytes = new Uint8Array(buffer);
          const text = new TextDecoder("utf-8").decode(bytes);
          body.value = text;
          file = { bytes, text, shown: body.value, name: f.name };
          run();
        },
        (error) => setStatus("Could not read " + f.name + ": " + error.message, true),
      );
    }
    const hasFiles = (event) => event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types || [], "Files") >= 0;
    section.addEventListener("dragover", (event) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "copy";
      body.classList.add("checker-dragover");
    });
    section.addEventListener("dragleave", (event) => {
      if (!section.contains(event.relatedTarget)) body.classList.remove("checker-dragover");
    });
    section.addEventListener("drop", (event) => {
      body.classList.remove("checker-dragover");
      if (!hasFiles(event) || event.dataTransfer.files.length === 0) return;
      event.preventDefault();
      takeFile(event.dataTransfer.files[0]);
    });
    if (fileInput) fileInput.addEventListener("change", () => takeFile(fileInput.files && fileInput.files[0]));

    // ---- running a check ----
    const mode = () => {
      const checked = section.querySelector('input[name="checker-mode"]:checked');
      return checked ? checked.value : "tolerant";
    };
    runButton.addEventListener("click", () => run());
    section.addEventListener("keydown", (event) => {
      const inInput = event.target instanceof HTMLInputElement && event.target.type !== "radio" && event.target.type !== "file";
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey || inInput)) {
        event.preventDefault();
        run();
      }
    });
    let ran = false;
    for (const radio of section.querySelectorAll('input[name="checker-mode"]')) radio.addEventListener("change", () => ran && run());

    function setStatus(text, isError) {
      statusEl.textContent = text;
      statusEl.classList.toggle("checker-status-error", Boolean(isError));
    }

    function element(tag, className, text) {
      const node = document.createElement(tag);
      if (className) node.className = className;
      if (text !== undefined) node.textContent = text;
      return node;
    }

    function clearResults() {
      for (const node of document.querySelectorAll(".checker-flagged")) node.classList.remove("checker-flagged");
      summaryEl.textContent = "";
      summaryEl.hidden = true;
      summaryEl.className = "checker-summary";
      for (const key of ["verdict", "errors", "warnings"]) delete summaryEl.dataset[key];
      issuesEl.textContent = "";
      issuesEl.hidden = true;
    }

    let runs = 0;
    async function run() {
      const id = ++runs;
      ran = true;
      setStatus("Checking…");
      let checker;
      try {
        checker = await load();
      } catch (error) {
        if (id === runs) setStatus("The checker could not be loaded: " + error.message, true);
        return;
      }
      if (id !== runs) return;
      clearResults();
      const text = file ? file.text : body.value;
      if (text.trim() === "") {
        showSummary("empty", "Paste a JSON body first.");
      } else {
        try {
          showResult(checker.validate(text, mode(), pageMessage || undefined), text);
        } catch (error) {
          showSummary("error", "The checker failed: " + error.message);
        }
      }
      const bytesOrText = file ? file.bytes : text;
      await Promise.all(signatures.map((inputs) => showSignature(checker, inputs, bytesOrText, id)));
      if (id === runs) setStatus(file ? "Checked the exact bytes of " + file.name + " (" + file.bytes.length + " bytes)." : "");
    }

    function showSummary(verdict, text) {
      summaryEl.hidden = false;
      summaryEl.className = "checker-summary checker-summary-" + verdict;
      summaryEl.dataset.verdict = verdict;
      summaryEl.textContent = text;
    }

    const plural = (n, word) => n + " " + word + (n === 1 ? "" : "s");

    function pickedText(result) {
      const at = result.discriminator ? result.discriminator + " (" + result.discriminatorValue + ")" : "";
      if (pageMessage) {
        if (!result.mismatch) return "Checked as " + pageMessage + ".";
        return (
          "Checked as " +
          pageMessage +
          ", but its " +
          at +
          (result.picked ? " picks " + result.picked + ": the receiver would check it as " + result.picked + "." : " names no message we know.")
        );
      }
      if (result.unknownMessage !== undefined) return "Its " + at + " names no message we know: checked against what all of the provider's messages share.";
      if (result.message) return result.discriminator ? "Its " + at + " picks " + result.message + "." : "Checked as " + result.message + ".";
      return "No message could be picked" + (at ? " by its " + at : "") + ".";
    }

    function showResult(result, text) {
      if (result.syntaxError) {
        const e = result.syntaxError;
        showSummary("syntax", "Not JSON: " + e.message + " (offset " + e.position + ").");
        // Point at it in the box, unless the box shows other text than was checked (a file's CRLF line ends).
        if (body.value === text && typeof body.setSelectionRange === "function") body.setSelectionRange(e.position, Math.min(e.position + 1, text.length));
        return;
      }
      const counts = plural(result.errors.length, "error") + ", " + plural(result.warnings.length, "warning");
      showSummary(result.ok ? "valid" : "invalid", (result.ok ? "Valid" : "Invalid") + " in " + result.mode + " mode: " + counts + ". " + pickedText(result));
      summaryEl.dataset.errors = String(result.errors.length);
      summaryEl.dataset.warnings = String(result.warnings.length);
      const issues = result.errors.concat(result.warnings);
      // Fields on this page are flagged only when it is the message the body was checked as.
      const samePage = Boolean(pageMessage) && result.message === pageMessage;
      for (const issue of issues) issuesEl.appendChild(issueItem(issue, result.message, samePage));
      issuesEl.hidden = issues.length === 0;
    }

    /** The page's element for a field pattern, or for the nearest field above it (an unknown property's parent). */
    function fieldElement(pattern) {
      const elements = document.querySelectorAll("[data-pointer]");
      for (let p = pattern; p !== ""; p = p.slice(0, p.lastIndexOf("/"))) {
        for (const el of elements) if (el.getAttribute("data-pointer") === p && !section.contains(el)) return el;
      }
      return null;
    }

    function issueItem(issue, message, samePage) {
      const li = element("li", "checker-issue checker-issue-" + issue.severity);
      li.dataset.issuePointer = issue.pointer;
      li.appendChild(element("span", "checker-issue-severity", issue.severity));
      li.appendChild(document.createTextNode(" "));
      let href = "";
      if (samePage) {
        const target = issue.field ? fieldElement(issue.field) : null;
        if (target) {
          target.classList.add("checker-flagged");
          if (target.id) href = "#" + target.id;
        }
      } else if (message) {
        href = root + "messages/" + provider + "/" + encodeURIComponent(message) + ".html" + (issue.anchor ? "#" + issue.anchor : "");
      }
      const where = element("code", "", issue.pointer === "" ? "(the whole payload)" : issue.pointer);
      const pointer = element(href ? "a" : "span", "checker-issue-pointer");
      if (href) pointer.setAttribute("href", href);
      pointer.appendChild(where);
      li.appendChild(pointer);
      li.appendChild(document.createTextNode(" "));
      // The message repeats expected and received, shown apart below; say it only when it adds something
      // (an unknown property, an inferred rule).
      if (issue.message !== "expected " + issue.expected + ", received " + issue.received) {
        li.appendChild(element("span", "checker-issue-message", issue.message));
      }
      for (const [key, value] of [
        ["expected", issue.expected],
        ["received", issue.received],
      ]) {
        const part = element("span", "checker-issue-" + key);
        part.appendChild(element("span", "checker-issue-label", key));
        part.appendChild(document.createTextNode(" "));
        part.appendChild(element("code", "", value));
        li.appendChild(document.createTextNode(" "));
        li.appendChild(part);
      }
      return li;
    }

    /** What a signature was made with, in words: "this secret", "this key, this webhook-id and this webhook-timestamp". */
    function madeWith(scheme) {
      const spec = scheme.signature;
      const parts = [spec.key ? "this key" : "this secret"];
      if (spec.id && spec.signed.indexOf("{id}") >= 0) parts.push("this " + spec.id.header);
      if (spec.timestamp && spec.signed.indexOf("{timestamp}") >= 0) parts.push("this " + spec.timestamp.header);
      return parts.length > 1 ? parts.slice(0, -1).join(", ") + " and " + parts[parts.length - 1] : parts[0];
    }

    async function showSignature(checker, inputs, bytesOrText, id) {
      const scheme = checker.signatures.find((s) => s.id === inputs.scheme);
      inputs.result.hidden = false;
      inputs.headers.textContent = "";
      if (inputs.block) inputs.block.hidden = true;
      inputs.match.hidden = true;
      inputs.match.className = "checker-match";
      delete inputs.match.dataset.match;
      if (!scheme) {
        showMatch(inputs.match, "error", "The checker knows no signature " + inputs.scheme + " for " + provider + ".");
        return;
      }
      const spec = scheme.signature;
      const secret = inputs.secret ? inputs.secret.value : "";
      if (!secret) {
        const what = spec.key
          ? "a signing key (setting " + scheme.secrets + ", " + spec.key.prefix + "…)"
          : "a signing secret (setting " + scheme.secrets + ")";
        const names = [scheme.header];
        if (spec.timestamp) names.push(spec.timestamp.header);
        if (spec.id) names.push(spec.id.header);
        showMatch(inputs.match, "none", "Type " + what + " to see the " + names.join(", ") + " header" + (names.length > 1 ? "s" : "") + " for this body.");
        return;
      }
      const options = { scheme: scheme.id };
      if (inputs.timestamp) options.timestamp = inputs.timestamp.value;
      if (inputs.id) options.id = inputs.id.value;
      let headers;
      try {
        headers = await checker.sign(bytesOrText, secret, options);
      } catch (error) {
        if (id === runs) showMatch(inputs.match, "error", error.message);
        return;
      }
      if (id !== runs) return;
      inputs.headers.textContent = Object.keys(headers)
        .map((name) => name + ": " + headers[name])
        .join("\n");
      if (inputs.block) inputs.block.hidden = false;
      const given = inputs.received ? inputs.received.value.trim() : "";
      if (!given) return;
      const list = Boolean(spec.separator) && given.split(spec.separator).filter((entry) => entry !== "").length > 1;
      if (checker.signatureMatches(headers, given, scheme.id)) {
        showMatch(
          inputs.match,
          "yes",
          (list ? "An entry of the signature you received matches" : "The signature you received matches") +
            ": it was made from exactly this body with " +
            madeWith(scheme) +
            ".",
        );
      } else {
        showMatch(
          inputs.match,
          "no",
          (list ? "No entry of the signature you received matches" : "The signature you received does not match") +
            ": it was not made from exactly this body with " +
            madeWith(scheme) +
            ". Compare the bytes that were signed (whitespace, line ends, key order: a body parsed and serialized again is not the same body) and the " +
            (spec.key ? "key" : "secret") +
            ".",
        );
      }
    }

    function showMatch(matchEl, kind, text) {
      matchEl.hidden = false;
      matchEl.className = "checker-match checker-match-" + kind;
      matchEl.dataset.match = kind;
      matchEl.textContent = text;
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
