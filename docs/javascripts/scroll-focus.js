// A region that scrolls sideways must be reachable by keyboard, or a keyboard user cannot
// read its end (WCAG 2.1.1; axe rule scrollable-region-focusable). Material does this for code
// blocks; this does the same for display formulas wider than the page and for notebook cells.
// Run on every page, instant navigation included (document$), and when the width changes.
const SIDEWAYS_SCROLLERS = ".md-typeset div.arithmatex, .md-typeset .highlight-ipynb";

function keyboardScrollable() {
  for (const el of document.querySelectorAll(SIDEWAYS_SCROLLERS)) {
    if (el.scrollWidth > el.clientWidth) el.tabIndex = 0;
    else el.removeAttribute("tabindex");
  }
}

document$.subscribe(keyboardScrollable);
window.addEventListener("resize", keyboardScrollable, { passive: true });
