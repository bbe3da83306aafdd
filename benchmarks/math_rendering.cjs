// Typesets one page's formulas one way, for benchmarks/math_rendering.py.
//
// Usage: node benchmarks/math_rendering.cjs <way> <node_modules of MathJax> <node_modules of Temml>
//   way: chtml (MathJax 4 CHTML with assistive MathML, as the site typeset math until now),
//        svg (MathJax 4 SVG, one font cache for the page), mathjax-mml (MathJax 4's MathML),
//        temml (Temml's MathML).
// stdin: one JSON request {"math": [{"tex": "x^2", "display": false}, ...]}
// stdout: one JSON reply {"html": [...one markup per formula...], "css": "...", "extra": "..."}
//   css: the stylesheet the markup needs (CHTML and SVG only); extra: markup to put once on the
//   page (SVG's font cache).
"use strict";

const fs = require("fs");
const path = require("path");

const [way, mathjaxModules, temmlModules] = process.argv.slice(2);
const request = JSON.parse(fs.readFileSync(0, "utf8"));
// MathJax 4 copies each TeX fragment into data-latex attributes (the site strips them), and its
// MathML is indented: without either, as on a page.
const withoutLatex = (html) => html.replace(/ data-latex(-item)?="[^"]*"/g, "");
const compact = (mml) => withoutLatex(mml).replace(/>\s+</g, "><");

async function mathjax() {
  const mathjaxDir = path.join(mathjaxModules, "mathjax");
  const output = { chtml: "output/chtml", svg: "output/svg", "mathjax-mml": null }[way];
  const load = ["adaptors/liteDOM", "input/tex"];
  if (output) load.push(output);
  if (way === "chtml") load.push("a11y/assistive-mml");
  const MathJax = await require(path.join(mathjaxDir, "node-main.cjs")).init({
    loader: { paths: { mathjax: mathjaxDir }, load, versionWarnings: false },
    tex: {
      packages: { "[-]": ["noundefined"] },
      formatError(jax, err) {
        throw err;
      },
    },
    output: { font: "mathjax-newcm" },
    chtml: { fontURL: "woff2" },
    svg: { fontCache: "global" },
    startup: { typeset: false },
  });
  const adaptor = MathJax.startup.adaptor;
  const html = [];
  for (const { tex, display } of request.math) {
    if (way === "mathjax-mml") {
      html.push(compact(await MathJax.tex2mmlPromise(tex, { display })));
    } else {
      const convert = way === "chtml" ? MathJax.tex2chtmlPromise : MathJax.tex2svgPromise;
      html.push(withoutLatex(adaptor.outerHTML(await convert(tex, { display }))));
    }
  }
  if (way === "chtml") return { html, css: adaptor.textContent(MathJax.chtmlStylesheet()) };
  if (way === "svg") {
    const defs = adaptor.outerHTML(MathJax.startup.output.fontCache.getCache());
    const extra = `<svg id="MJX-SVG-global-cache" style="display: none">${defs}</svg>`;
    return { html, css: adaptor.textContent(MathJax.svgStylesheet()), extra };
  }
  return { html };
}

function temml() {
  const temml = require(path.join(temmlModules, "temml", "dist", "temml.cjs"));
  const html = request.math.map(({ tex, display }) =>
    temml.renderToString(tex, { displayMode: display, throwOnError: true }),
  );
  return { html };
}

(way === "temml" ? Promise.resolve(temml()) : mathjax())
  .then((reply) => process.stdout.write(JSON.stringify(reply)))
  .catch((err) => {
    process.stderr.write(`${way}: ${err.stack || err}\n`);
    process.exit(1);
  });
