// Autosave for a theme. Without JavaScript the Save button does the whole job; with it, the
// form is also posted a short while after typing stops, through the same conflict check as the
// Save button, and the status region (role="status") says when it last saved.
//
// - Typing restarts the timer (debounce); only one save is ever in flight, and changes made
//   while one is in flight are saved straight after it.
// - Each save returns the theme's new edit count, which goes into the hidden base_edit_count field,
//   so the next save (automatic or the Save button) builds on it.
// - If someone else saved the theme first, autosave stops and says so: the Save button then
//   shows both texts side by side.
// - If the session has ended, autosave stops and says so; the Save button then asks for sign-in
//   and the page shows the text again afterwards.
// - Leaving the page warns only while a change is not saved yet.

const DELAY_MS = 2000;

export function startAutosave(form, { delay = DELAY_MS } = {}) {
  const status = form.querySelector("[data-autosave-status]");
  const editCount = form.querySelector("input[name=base_edit_count]");
  if (!status || !editCount || !window.fetch) return null;

  let timer = null;
  let inFlight = null; // the promise of the save under way
  let dirty = false; // changes typed since the last save started
  let stopped = false;
  let submitting = false;

  const say = (text) => {
    status.textContent = text;
  };

  const stop = (text) => {
    stopped = true;
    clearTimeout(timer);
    say(text);
  };

  const post = async () => {
    const body = new FormData(form);
    // A save in progress is not yet a decision about whether the theme is completed.
    if (!form.querySelector("input[name=is_complete]:checked")) body.set("is_complete", "no");
    const response = await fetch(form.action || window.location.href, {
      method: "POST",
      body,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      redirect: "manual",
    });
    const isJson = (response.headers.get("Content-Type") || "").includes("application/json");
    return { response, data: isJson ? await response.json() : null };
  };

  const save = async () => {
    // Never two saves at once: changes typed meanwhile are saved when the current one finishes.
    if (stopped || submitting || !dirty || inFlight) return;
    dirty = false;
    let saved = false;
    say("Saving…");
    inFlight = post();
    try {
      const { response, data } = await inFlight;
      if (response.ok && data) {
        editCount.value = data.edit_count;
        saved = true;
        say(`Saved at ${data.saved_at}.`);
        // The server saw activity: the timeout warning starts its count again.
        document.dispatchEvent(new CustomEvent("app:session-activity"));
      } else if (response.status === 401 || response.type === "opaqueredirect") {
        // The session has ended. The Save button still works: it asks for sign-in and keeps
        // the text, which the page shows again afterwards.
        dirty = true;
        stop(
          "You have been signed out, so your text has not been saved. It is still here: use " +
            "the Save button, sign in again, and your text will be kept.",
        );
      } else if (response.status === 409 && data) {
        dirty = true;
        stop(
          `${data.message} Your text has not been saved automatically since then, and will ` +
            "not be until you save it with the button.",
        );
      } else if (response.status === 400 && data) {
        dirty = true;
        say("Not saved yet: use the Save button to see what needs fixing.");
      } else {
        dirty = true;
        stop(
          "Could not save automatically: you may have been signed out. Your text is still " +
            "here: use the Save button.",
        );
      }
    } catch (error) {
      dirty = true;
      say("Could not save automatically. Your text is still here: use the Save button.");
    } finally {
      inFlight = null;
    }
    if (saved && dirty && !stopped && !submitting) schedule();
  };

  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(save, delay);
  };

  form.addEventListener("input", (event) => {
    if (event.target.type === "hidden") return;
    dirty = true;
    if (!stopped) schedule();
  });

  form.addEventListener("submit", async (event) => {
    if (submitting) return;
    submitting = true;
    clearTimeout(timer);
    if (inFlight) {
      // Let the autosave finish first, so the form posts the edit count it produced and does not
      // conflict with the user's own save.
      event.preventDefault();
      try {
        await inFlight;
      } finally {
        HTMLFormElement.prototype.submit.call(form);
      }
    }
  });

  window.addEventListener("beforeunload", (event) => {
    if (submitting || !(dirty || inFlight)) return;
    event.preventDefault();
    event.returnValue = "";
  });

  return { save, isPending: () => Boolean(dirty || inFlight) };
}

const form = document.querySelector("form[data-autosave]");
if (form) startAutosave(form);
