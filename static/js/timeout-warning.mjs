// The timeout warning (GOV.UK / HMRC timeout warning pattern). The server ends a session after a
// spell without activity; two minutes before that, a modal dialog says so, counts down, and offers
// "Stay signed in" (a request to the keep-alive endpoint, which counts as activity) or "Sign out".
// When the time is up the dialog says the user has been signed out, and leaves the page alone, so
// nothing typed is lost: saving then asks for sign-in and keeps the text.
//
// Configured by data attributes on <body> (seconds): data-session-seconds-left (as the page was
// served), data-session-warning-seconds and data-session-idle-seconds. Other scripts report
// activity the server has seen (an autosave) with the "app:session-activity" event.

const body = document.body;
const dialog = document.querySelector("[data-timeout-dialog]");

const minutesAndSeconds = (seconds) => {
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  const parts = [];
  if (minutes) parts.push(`${minutes} minute${minutes === 1 ? "" : "s"}`);
  if (rest || !minutes) parts.push(`${rest} second${rest === 1 ? "" : "s"}`);
  return parts.join(" ");
};

export function startTimeoutWarning() {
  const warningMs = Number(body.dataset.sessionWarningSeconds) * 1000;
  const idleMs = Number(body.dataset.sessionIdleSeconds) * 1000;
  const leftMs = Number(body.dataset.sessionSecondsLeft) * 1000;
  if (!dialog || !dialog.showModal || !warningMs || !idleMs || !leftMs) return null;

  const warning = dialog.querySelector("[data-timeout-warning]");
  const ended = dialog.querySelector("[data-timeout-ended]");
  const countdown = dialog.querySelector("[data-timeout-countdown]");
  const announce = dialog.querySelector("[data-timeout-announce]");
  const keepAlive = dialog.querySelector("[data-timeout-keep-alive]");
  let endsAt = Date.now() + leftMs;
  let warningTimer = null;
  let tick = null;
  let lastAnnounced = null;
  let returnFocus = null;
  let signedOut = false;

  const secondsLeft = () => Math.max(0, Math.ceil((endsAt - Date.now()) / 1000));

  const update = () => {
    const seconds = secondsLeft();
    if (seconds === 0) return end();
    countdown.textContent = minutesAndSeconds(seconds);
    // Screen readers hear the time when the dialog opens and every 30 seconds, not every tick.
    const step = Math.ceil(seconds / 30);
    if (step !== lastAnnounced) {
      lastAnnounced = step;
      announce.textContent = `We will sign you out in ${minutesAndSeconds(seconds)}.`;
    }
  };

  const open = () => {
    if (signedOut) return;
    returnFocus = document.activeElement;
    warning.hidden = false;
    ended.hidden = true;
    dialog.setAttribute("aria-labelledby", "timeout-warning-title");
    dialog.setAttribute("aria-describedby", "timeout-warning-text");
    lastAnnounced = null;
    update();
    if (!dialog.open) dialog.showModal();
    tick = window.setInterval(update, 1000);
  };

  const close = () => {
    window.clearInterval(tick);
    if (dialog.open) dialog.close();
    if (returnFocus && returnFocus.focus) returnFocus.focus();
  };

  const schedule = (msLeft) => {
    endsAt = Date.now() + msLeft;
    window.clearTimeout(warningTimer);
    warningTimer = window.setTimeout(open, Math.max(0, msLeft - warningMs));
  };

  function end() {
    signedOut = true;
    window.clearInterval(tick);
    window.clearTimeout(warningTimer);
    warning.hidden = true;
    ended.hidden = false;
    dialog.setAttribute("aria-labelledby", "timeout-ended-title");
    dialog.setAttribute("aria-describedby", "timeout-ended-text");
    if (!dialog.open) dialog.showModal();
    ended.querySelector("[data-timeout-close]").focus();
  }

  const stay = async () => {
    try {
      const response = await fetch(keepAlive.action, {
        method: "POST",
        body: new FormData(keepAlive),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        redirect: "manual",
      });
      if (!response.ok) return end();
      const data = await response.json();
      close();
      schedule(data.seconds_left * 1000);
    } catch (error) {
      // The server could not be reached: the session may still be alive, so keep counting.
      announce.textContent = "Could not reach the service. Try again.";
    }
  };

  keepAlive.addEventListener("submit", (event) => {
    event.preventDefault();
    stay();
  });
  // Escape means "stay signed in", as in the GOV.UK pattern; it must not just hide the warning.
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    if (!signedOut) stay();
    else close();
  });
  ended.querySelector("[data-timeout-close]").addEventListener("click", close);
  document.addEventListener("app:session-activity", () => {
    if (!signedOut && !dialog.open) schedule(idleMs);
  });

  schedule(leftMs);
  return { open, stay };
}

startTimeoutWarning();
