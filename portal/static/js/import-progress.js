// The import page's progress bar, kept up to date from progress.json while the worker runs;
// the page reloads once, when the import has finished, to show the result. Without
// JavaScript the page has a link to check again: no timed refresh (WCAG 2.2.1).
const box = document.querySelector("[data-progress-url]");

async function poll() {
  const response = await fetch(box.dataset.progressUrl, {headers: {Accept: "application/json"}});
  if (!response.ok) return;
  const progress = await response.json();
  if (progress.finished) {
    window.location.reload();
    return;
  }
  const done = progress.rows_done || 0;
  const total = progress.total_rows || 0;
  const bar = box.querySelector("progress");
  bar.max = total || 1;
  bar.value = done;
  bar.textContent = `${done} of ${total}`;
  const label = box.querySelector("#progress-label");
  if (progress.phase === "placing") {
    bar.removeAttribute("value");  // no count to show: an indeterminate bar while the lines are compared and written
    label.textContent = box.dataset.placingText;
  } else if (progress.status !== "queued") {
    label.textContent = `Checking lines: ${done.toLocaleString("en-GB")} of about ${total.toLocaleString("en-GB")}`;
  }
  window.setTimeout(poll, 2000);
}

if (box) window.setTimeout(poll, 2000);
