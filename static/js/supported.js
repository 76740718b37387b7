// GOV.UK Frontend's components only start when the body says the browser supports them.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
