// Every dashboard page: copy buttons, a confirmation before what cannot be undone, and a link
// field selected when focused. Kept out of the markup (no inline handlers), so the pages' CSP
// can refuse every script that is not one of the site's own files.
(() => {
  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-copy], button[data-copy-from]");
    if (!button) return;
    const text = button.dataset.copy ?? document.getElementById(button.dataset.copyFrom)?.value;
    if (text === undefined) return;
    navigator.clipboard.writeText(text).then(() => { button.textContent = "Copied"; });
  });
  document.addEventListener("submit", (event) => {
    const question = event.target.dataset?.confirm;
    if (question && !window.confirm(question)) event.preventDefault();
  });
  document.addEventListener("focusin", (event) => {
    if (event.target.matches?.("input[data-select-on-focus]")) event.target.select();
  });
})();
