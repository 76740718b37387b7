// Passkeys (WebAuthn) for setting up a second factor and for signing in with one.
// The passkey part of the page stays hidden unless the browser supports passkeys; the
// authenticator app and recovery codes work without JavaScript.

const toBuffer = (value) => {
  const base64 = value.replace(/-/g, "+").replace(/_/g, "/");
  const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0)).buffer;
};

const toBase64url = (buffer) => {
  let text = "";
  for (const byte of new Uint8Array(buffer)) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
};

const csrfToken = () => document.querySelector("input[name=csrfmiddlewaretoken]").value;

async function post(url, body) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: {
      "X-CSRFToken": csrfToken(),
      Accept: "application/json",
      "Content-Type": "application/json",
    },
    body: body === undefined ? "" : JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.detail || "The service could not check your passkey.");
  return data;
}

function creationOptions(options) {
  return {
    ...options,
    challenge: toBuffer(options.challenge),
    user: { ...options.user, id: toBuffer(options.user.id) },
    excludeCredentials: (options.excludeCredentials || []).map((c) => ({ ...c, id: toBuffer(c.id) })),
  };
}

function requestOptions(options) {
  return {
    ...options,
    challenge: toBuffer(options.challenge),
    allowCredentials: (options.allowCredentials || []).map((c) => ({ ...c, id: toBuffer(c.id) })),
  };
}

function registrationJSON(credential) {
  const response = credential.response;
  return {
    id: credential.id,
    rawId: toBase64url(credential.rawId),
    type: credential.type,
    authenticatorAttachment: credential.authenticatorAttachment,
    clientExtensionResults: credential.getClientExtensionResults(),
    response: {
      clientDataJSON: toBase64url(response.clientDataJSON),
      attestationObject: toBase64url(response.attestationObject),
      transports: response.getTransports ? response.getTransports() : [],
    },
  };
}

function authenticationJSON(credential) {
  const response = credential.response;
  return {
    id: credential.id,
    rawId: toBase64url(credential.rawId),
    type: credential.type,
    authenticatorAttachment: credential.authenticatorAttachment,
    clientExtensionResults: credential.getClientExtensionResults(),
    response: {
      clientDataJSON: toBase64url(response.clientDataJSON),
      authenticatorData: toBase64url(response.authenticatorData),
      signature: toBase64url(response.signature),
      userHandle: response.userHandle ? toBase64url(response.userHandle) : null,
    },
  };
}

async function register(element) {
  const options = await post(element.dataset.beginUrl);
  const credential = await navigator.credentials.create({ publicKey: creationOptions(options) });
  await post(element.dataset.completeUrl, registrationJSON(credential));
  element.querySelector("[data-passkey-form]").submit();
}

async function authenticate(element) {
  const options = await post(element.dataset.beginUrl);
  const credential = await navigator.credentials.get({ publicKey: requestOptions(options) });
  const url = new URL(element.dataset.completeUrl, window.location.origin);
  if (element.dataset.next) url.searchParams.set("next", element.dataset.next);
  const result = await post(url.toString(), authenticationJSON(credential));
  window.location.assign(result.redirect_url || "/");
}

function explain(error) {
  if (error && error.name === "NotAllowedError") {
    return "The passkey was not used. Try again, or use another way to confirm it is you.";
  }
  if (error && error.name === "InvalidStateError") {
    return "This device already has a passkey for your account.";
  }
  return (error && error.message) || "Something went wrong with the passkey. Try again.";
}

if (window.PublicKeyCredential && navigator.credentials) {
  for (const element of document.querySelectorAll("[data-passkey]")) {
    const button = element.querySelector("[data-passkey-button]");
    const status = element.querySelector("[data-passkey-status]");
    element.hidden = false;
    button.addEventListener("click", async () => {
      button.disabled = true;
      status.hidden = true;
      try {
        await (element.dataset.passkey === "register" ? register(element) : authenticate(element));
      } catch (error) {
        status.textContent = explain(error);
        status.hidden = false;
        button.disabled = false;
        button.focus();
      }
    });
  }
}
