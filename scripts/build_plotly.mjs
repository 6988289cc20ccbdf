// Build static/vendor/plotly.min.js: plotly.js's core with only the trace types the app draws.
//
// The full plotly.min.js is 4.8 MB and most of it is never run on the report and compare pages;
// this partial bundle (plotly.js's documented approach: lib/core, then Plotly.register) is a
// fraction of that. plotly.js and esbuild come from package-lock.json, so every install builds
// the same file. PDFs keep using the full bundle inside the plotly Python package (kaleido).
//
// Run by `make install` (npm ci, then node scripts/build_plotly.mjs).
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

// Every trace type reports/charts.py and reports/compare_charts.py build (tests/test_static.py
// holds the two in step).
// scatter is in plotly.js's core whatever this says.
const TRACES = ["scatter", "scatterpolar", "box"];

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "static", "vendor");
const require = createRequire(import.meta.url);
const plotlyDir = dirname(require.resolve("plotly.js/package.json"));
const { version } = JSON.parse(readFileSync(join(plotlyDir, "package.json"), "utf8"));

const entry = [
  'var Plotly = require("plotly.js/lib/core");',
  `Plotly.register([${TRACES.map((t) => `require("plotly.js/lib/${t}")`).join(", ")}]);`,
  "module.exports = Plotly;",
].join("\n");

await esbuild.build({
  stdin: { contents: entry, resolveDir: root, sourcefile: "plotly-partial.js" },
  outfile: join(out, "plotly.min.js"),
  bundle: true,
  minify: true,
  format: "iife",
  globalName: "Plotly",
  target: "es2016",
  // As plotly.js's own build (esbuild-config.js) sets them.
  alias: { regl: "@plotly/regl", stream: "stream-browserify" },
  define: { global: "window", "define.amd": "false", "process.env.NODE_DEBUG": "false" },
  // Only map traces pull in a stylesheet (maplibre-gl's); none is bundled here.
  loader: { ".css": "empty" },
  banner: {
    js: `/* plotly.js v${version} (partial: ${TRACES.join(", ")}). Copyright 2012-2026, Plotly, Inc. MIT license */`,
  },
  legalComments: "eof",
  logLevel: "warning",
});

mkdirSync(out, { recursive: true });
writeFileSync(
  join(out, "plotly.traces.json"),
  JSON.stringify({ version, traces: TRACES }, null, 2) + "\n",
);
console.log(`static/vendor/plotly.min.js: plotly.js ${version} with ${TRACES.join(", ")}`);
