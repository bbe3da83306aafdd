// A region that scrolls sideways must be reachable by keyboard, or a keyboard user cannot
// read its end (WCAG 2.1.1; axe rule scrollable-region-focusable). Material does this for code
// blocks; this does the same for tables wider than the page and for notebook cells (display
// formulas are made focusable at build time, by hooks/mathml.py). Each is watched for
// size changes (fonts, images, a new window width), and the watch starts again on every page,
// instant navigation included (document$). All widths are read before any tabindex is
// written: a write between two reads makes the browser lay the page out again for the next
// read (on the activations page, that was most of a second on a throttled phone).
const SIDEWAYS_SCROLLERS = [".md-typeset table", ".md-typeset .highlight-ipynb"].join(", ");

const resized = new ResizeObserver((entries) => {
  const scrolls = entries.map(({ target }) => target.scrollWidth > target.clientWidth);
  entries.forEach(({ target }, i) => {
    if (scrolls[i]) target.tabIndex = 0;
    else target.removeAttribute("tabindex");
  });
});

document$.subscribe(() => {
  resized.disconnect();
  for (const el of document.querySelectorAll(SIDEWAYS_SCROLLERS)) resized.observe(el);
});
