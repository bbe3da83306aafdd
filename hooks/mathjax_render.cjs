// Typesets TeX into MathJax 4 CHTML markup at build time, for hooks/mathjax_assets.py.
//
// Usage: node hooks/mathjax_render.cjs <path to node_modules/mathjax>
// Protocol: one JSON request per line on stdin, one JSON reply per line on stdout.
//   {"math": [{"tex": "x^2", "display": false}, ...]}  ->  {"html": ["<mjx-container ...>", ...]}
//                                                      or  {"error": "x^{: Missing close brace"}
//   {"stylesheet": true}                               ->  {"css": "mjx-container {...} ..."}
// One request is one page: equation numbers and \label/\ref restart on every page.
// The stylesheet covers every glyph typeset so far, so it is asked for once, after the last page.
"use strict";

const path = require("path");
const readline = require("readline");

const mathjaxDir = path.resolve(process.argv[2]);

// MathJax 4 copies each TeX fragment into a data-latex attribute on every element it makes:
// nothing on the page reads them, and they make a math-heavy page about 60% larger.
const withoutLatex = (html) => html.replace(/ data-latex="[^"]*"/g, "");

require(path.join(mathjaxDir, "node-main.cjs"))
  .init({
    loader: {
      paths: { mathjax: mathjaxDir },
      // assistive-mml puts hidden MathML next to each formula, for screen readers.
      load: ["adaptors/liteDOM", "input/tex", "output/chtml", "a11y/assistive-mml"],
      versionWarnings: false,
    },
    tex: {
      processEscapes: true,
      tags: "ams",
      // Without noundefined, an unknown macro is an error rather than red text.
      packages: { "[-]": ["noundefined"] },
      // A TeX error must fail the build, not become red text on the page.
      formatError(jax, err) {
        throw err;
      },
    },
    // MathJax 4's default font (New Computer Modern, npm @mathjax/mathjax-newcm-font), served
    // by the site: the stylesheet lives in assets/mathjax/, next to the woff2/ fonts it names.
    output: { font: "mathjax-newcm" },
    chtml: { fontURL: "woff2" },
    startup: { typeset: false },
  })
  .then((MathJax) => {
    const adaptor = MathJax.startup.adaptor;
    const answer = async (request) => {
      if (request.stylesheet) return { css: adaptor.textContent(MathJax.chtmlStylesheet()) };
      MathJax.texReset();
      const html = [];
      for (const { tex, display } of request.math) {
        try {
          // The promise form lets autoloaded TeX packages (\cancel, \boldsymbol, ...) load first.
          const node = await MathJax.tex2chtmlPromise(tex, { display });
          html.push(withoutLatex(adaptor.outerHTML(node)));
        } catch (err) {
          return { error: `${tex.trim()}: ${err.message}` };
        }
      }
      return { html };
    };
    // Requests are answered one at a time, in order, even while a package loads.
    let queue = Promise.resolve();
    const lines = readline.createInterface({ input: process.stdin, terminal: false });
    lines.on("line", (line) => {
      queue = queue.then(async () => {
        process.stdout.write(JSON.stringify(await answer(JSON.parse(line))) + "\n");
      });
    });
  })
  .catch((err) => {
    process.stderr.write(`MathJax failed to start: ${err.stack || err}\n`);
    process.exit(1);
  });
