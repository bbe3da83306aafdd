// MathJax 3 configuration. The script itself is served from this site (assets/mathjax),
// loaded async so it never blocks the first paint.
// arithmatex (generic mode) wraps every formula in a span/div with class "arithmatex" and
// \( \) or \[ \] delimiters; MathJax looks only inside those elements and rendered notebook cells.
window.MathJax = {
  tex: {
    inlineMath: [["\\(", "\\)"]],
    displayMath: [["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true,
    tags: "ams",
  },
  options: {
    ignoreHtmlClass: ".+",
    processHtmlClass: "arithmatex|jp-RenderedMarkdown",
  },
  chtml: { displayOverflow: "linebreak" },
};

// Material's instant navigation swaps the page content without a reload and emits on
// document$. The first emission is the initial load, which MathJax typesets by itself at
// start-up; every later one is a new page that must be typeset.
let firstPage = true;
document$.subscribe(() => {
  if (firstPage) {
    firstPage = false;
    return;
  }
  if (!window.MathJax.typesetPromise) return; // still loading: its start-up typesets the page
  window.MathJax.startup.output.clearCache();
  window.MathJax.typesetClear();
  window.MathJax.texReset();
  window.MathJax.typesetPromise();
});
