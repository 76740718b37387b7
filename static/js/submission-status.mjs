// Submission progress: polls the status endpoint and updates the block in place until the plan
// is sent or has failed. Without JavaScript the block shows the status as of page load.
const section = document.querySelector("[data-submission-polling]");
const INTERVAL_MS = 3000;

if (section && window.fetch) {
  const url = section.dataset.submissionStatusUrl;
  const body = section.querySelector("[data-submission-status-body]");
  let lastStatus = null;

  const hideReloadHint = () => {
    body.querySelectorAll(".app-no-js-only").forEach((element) => element.remove());
  };

  const poll = async () => {
    try {
      const response = await fetch(url, {
        // A poll is not the user doing something: it must not keep the session alive.
        headers: { Accept: "application/json", "X-Session-Activity": "background" },
        credentials: "same-origin",
      });
      if (!response.ok) throw new Error(String(response.status));
      const data = await response.json();
      const key = `${data.status}:${data.attempts}:${data.next_retry_at}`;
      if (key !== lastStatus) {
        lastStatus = key;
        body.innerHTML = data.html;
        hideReloadHint();
      }
      if (data.finished) return;
    } catch (error) {
      // A failed poll is not fatal: try again on the next tick.
    }
    window.setTimeout(poll, INTERVAL_MS);
  };

  hideReloadHint();
  window.setTimeout(poll, INTERVAL_MS);
}
