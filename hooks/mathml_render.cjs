// Typesets TeX into MathML with Temml at build time, for hooks/mathml.py.
//
// Usage: node hooks/mathml_render.cjs <path to node_modules/temml>
// Protocol: one JSON request per line on stdin, one JSON reply per line on stdout.
//   {"math": [{"tex": "x^2", "display": false}, ...]}  ->  {"mathml": ["<math>...</math>", ...]}
//                                                      or  {"error": "x^{: Missing close brace"}
// One request is one page: a macro defined with \gdef lasts until the end of its page.
"use strict";

const path = require("path");
const readline = require("readline");

const temml = require(path.join(path.resolve(process.argv[2]), "dist", "temml.cjs"));

const answer = (request) => {
  const macros = {};
  const mathml = [];
  for (const { tex, display } of request.math) {
    try {
      // throwOnError: a TeX error fails the build instead of showing red text on the page.
      mathml.push(temml.renderToString(tex, { displayMode: display, throwOnError: true, macros }));
    } catch (err) {
      return { error: `${tex.trim()}: ${err.message}` };
    }
  }
  return { mathml };
};

readline
  .createInterface({ input: process.stdin, terminal: false })
  .on("line", (line) => process.stdout.write(JSON.stringify(answer(JSON.parse(line))) + "\n"));
