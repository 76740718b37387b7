// Autosave for a theme: posts the form a few seconds after typing stops, through the same
// conflict check as the Save button, and says when it last saved. Without JavaScript the
// Save button does the same job.
const form = document.querySelector("form[data-autosave]");
const DELAY_MS = 3000;

if (form && window.fetch) {
  const status = form.querySelector("[data-autosave-status]");
  const version = form.querySelector("input[name=base_version]");
  let timer = null;
  let inFlight = false;
  let dirty = false;
  let stopped = false;

  const say = (text) => {
    if (status) status.textContent = text;
  };

  const save = async () => {
    if (stopped || inFlight || !dirty) return;
    const chosen = form.querySelector("input[name=is_complete]:checked");
    const body = new FormData(form);
    if (!chosen) body.set("is_complete", "no");
    inFlight = true;
    dirty = false;
    say("Saving…");
    try {
      const response = await fetch(form.action || window.location.href, {
        method: "POST",
        body,
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      const data = await response.json();
      if (response.ok) {
        version.value = data.version;
        say(`Saved at ${data.saved_at}.`);
      } else if (response.status === 409) {
        stopped = true;
        say(data.message);
      } else {
        dirty = true;
        say("Not saved yet: use the Save button to see what needs fixing.");
      }
    } catch (error) {
      dirty = true;
      say("Could not save automatically. Your text is still here: use the Save button.");
    } finally {
      inFlight = false;
    }
  };

  form.addEventListener("input", () => {
    dirty = true;
    clearTimeout(timer);
    timer = setTimeout(save, DELAY_MS);
  });
}
