// Coding a selected span in the panel's reading view. Without JavaScript every paragraph has a
// "Code this paragraph" link; with it, selecting words inside one paragraph shows a
// "Code selection" button under that paragraph. The button opens the same coding form with the
// character range and the quoted words in hidden fields; the server checks that the words are
// exactly that range of that paragraph in that submitted version.
//
// Offsets are counted in the paragraph's textContent, which is what the server reads from the
// same HTML. The coding controls sit outside the paragraph, so they never shift the count.

const ANCHOR = /^theme-\d+-p-\d+$/;

function paragraphOf(node) {
  let element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
  while (element) {
    if (element.id && ANCHOR.test(element.id) && /^(P|LI)$/.test(element.tagName)) return element;
    element = element.parentElement;
  }
  return null;
}

function offsetIn(paragraph, container, offset) {
  const before = document.createRange();
  before.selectNodeContents(paragraph);
  before.setEnd(container, offset);
  return before.toString().length;
}

function selectionInParagraph() {
  const selection = window.getSelection();
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0);
  const paragraph = paragraphOf(range.startContainer);
  if (!paragraph || paragraphOf(range.endContainer) !== paragraph) return null;
  const start = offsetIn(paragraph, range.startContainer, range.startOffset);
  const end = offsetIn(paragraph, range.endContainer, range.endOffset);
  const quote = paragraph.textContent.slice(start, end);
  if (end <= start || !quote.trim()) return null;
  return { paragraph, start, end, quote };
}

function buildForm(controls) {
  const link = controls.querySelector("a[data-code-link]");
  if (!link) return null;
  const url = new URL(link.href, window.location.href);
  const form = document.createElement("form");
  form.method = "get";
  form.action = url.pathname;
  form.className = "app-coding__selection";
  form.hidden = true;
  for (const name of ["version", "anchor", "start", "end", "quote"]) {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = url.searchParams.get(name) || "";
    form.append(input);
  }
  const button = document.createElement("button");
  button.type = "submit";
  button.className = "govuk-button govuk-button--secondary govuk-!-margin-bottom-2";
  button.textContent = "Code selection";
  button.dataset.codeSelection = "";
  form.append(button);
  controls.prepend(form);
  return form;
}

export function startCoding(root = document) {
  const forms = new Map();
  let shown = null;

  const hide = () => {
    if (shown) shown.hidden = true;
    shown = null;
  };

  const update = () => {
    const chosen = selectionInParagraph();
    if (!chosen) return hide();
    const controls = root.querySelector(`[data-coding-for="${chosen.paragraph.id}"]`);
    if (!controls) return hide();
    let form = forms.get(controls);
    if (!form) {
      form = buildForm(controls);
      if (!form) return hide();
      forms.set(controls, form);
    }
    form.elements.start.value = String(chosen.start);
    form.elements.end.value = String(chosen.end);
    form.elements.quote.value = chosen.quote;
    if (shown && shown !== form) shown.hidden = true;
    form.hidden = false;
    shown = form;
  };

  // Keep the button while focus moves to it (the selection may collapse on click in some
  // browsers, but the form already holds the range).
  document.addEventListener("mouseup", (event) => {
    if (event.target instanceof Element && event.target.closest(".app-coding__selection")) return;
    window.setTimeout(update, 0);
  });
  document.addEventListener("keyup", (event) => {
    if (event.shiftKey || event.key === "Shift") update();
  });
}

if (document.querySelector("[data-coding-for]")) startCoding();
