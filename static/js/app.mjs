import { initAll } from "/static/govuk/govuk-frontend.min.js";

initAll();

// The skip link moves focus to the main content itself (govuk-frontend). Following its
// "#main-content" as well would leave the fragment in the address, and a form that posts back
// to the page would return to it: the browser's jump to the fragment then takes focus away from
// the error summary that has just taken it.
const skipLink = document.querySelector(".govuk-skip-link[href='#main-content']");
if (skipLink) skipLink.addEventListener("click", (event) => event.preventDefault());
