// The role editor: the script is checked on the server as it is typed (every located error at
// once, warnings, and the changes from the role's newest version); Store waits for a valid one.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const text = $("role-text");
  const store = $("store");
  let timer = null;
  let asked = 0;

  function list(element, items) {
    element.replaceChildren(...items.map((item) => {
      const li = document.createElement("li");
      const code = document.createElement("code");
      code.textContent = item;
      li.append(code);
      return li;
    }));
  }

  function showDiff(diff) {
    const lines = diff ? diff.split("\n") : [];
    $("diff").replaceChildren(...lines.map((line) => {
      const span = document.createElement("span");
      span.className = line.startsWith("+") ? "add" : line.startsWith("-") ? "del" : line.startsWith("@@") ? "hunk" : "";
      span.textContent = `${line}\n`;
      return span;
    }));
  }

  async function check() {
    const mine = ++asked;
    const response = await fetch("/api/roles/check", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ text: text.value }),
    });
    if (mine !== asked) return; // a newer check is on its way
    if (!response.ok) {
      $("check-status").textContent = `Could not check (${response.status}).`;
      return;
    }
    const found = await response.json();
    list($("check-errors"), found.errors);
    list($("check-warnings"), found.warnings);
    if (!found.errors.length && !found.warnings.length) {
      const none = document.createElement("li");
      none.className = "muted";
      none.textContent = "None.";
      $("check-errors").append(none);
    }
    store.disabled = !found.valid;
    $("check-status").textContent = found.valid
      ? `Valid: ${found.role_id} version ${found.version}, “${found.title}”.`
      : `${found.errors.length} problem${found.errors.length === 1 ? "" : "s"} to fix before storing.`;
    $("diff-note").textContent = found.previous_version
      ? `Against ${found.role_id} version ${found.previous_version}${found.diff ? ":" : ": no change."}`
      : "A new role: nothing to compare with.";
    showDiff(found.diff);
  }

  text.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(check, 400);
  });
  check();
})();
