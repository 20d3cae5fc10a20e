// Renders a rules file through the extension's TextMate grammar to an HTML
// page coloured like VS Code's "Dark Modern" theme, for the README's
// picture of the highlighting (docs/editor.png; `npm run screenshot`
// renders scripts/sample.rules and photographs it with headless Chromium):
//
//   node scripts/render.js RULES [MAX_LINES] > page.html
//
// The tokens come from vscode-textmate with the Oniguruma regex engine,
// as VS Code tokenizes; the colours are picked per scope below.
"use strict";
const fs = require("fs");
const path = require("path");
const vsctm = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

// scope prefix -> colour, most specific first (VS Code's Dark Modern)
const COLOURS = [
  ["comment", "#6a9955"],
  ["string", "#ce9178"],
  ["constant.character.escape", "#d7ba7d"],
  ["constant.numeric", "#b5cea8"],
  ["keyword.other.unit", "#b5cea8"],
  ["constant.language", "#569cd6"],
  ["storage.type", "#569cd6"],
  ["keyword.control", "#c586c0"],
  ["keyword.operator.word", "#569cd6"],
  ["keyword.operator", "#d4d4d4"],
  ["keyword", "#569cd6"],
  ["support.function", "#dcdcaa"],
  ["entity.name.function", "#dcdcaa"],
  ["entity.name.type", "#4ec9b0"],
  ["variable.other.constant", "#4fc1ff"],
  ["variable.language", "#569cd6"],
  ["variable.parameter", "#9cdcfe"],
  ["variable", "#9cdcfe"],
];

function colour(scopes) {
  for (let i = scopes.length - 1; i >= 0; i--) {
    const hit = COLOURS.find(([prefix]) => scopes[i].startsWith(prefix));
    if (hit) return hit[1];
  }
  return "#cccccc";
}

const escape = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

async function main() {
  const [file, maxLines] = process.argv.slice(2);
  const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm")).buffer;
  await oniguruma.loadWASM(wasm);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (p) => new oniguruma.OnigScanner(p),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async () => {
      const grammarPath = path.join(__dirname, "..", "syntaxes", "influence.tmLanguage.json");
      return vsctm.parseRawGrammar(fs.readFileSync(grammarPath, "utf8"), grammarPath);
    },
  });
  const grammar = await registry.loadGrammar("source.influence-rules");
  let lines = fs.readFileSync(file, "utf8").split("\n");
  if (maxLines) lines = lines.slice(0, Number(maxLines));
  let state = vsctm.INITIAL;
  const rows = lines.map((line, n) => {
    const r = grammar.tokenizeLine(line, state);
    state = r.ruleStack;
    const spans = r.tokens
      .map((t) => {
        const text = escape(line.substring(t.startIndex, t.endIndex));
        return `<span style="color:${colour(t.scopes)}">${text}</span>`;
      })
      .join("");
    return `<div class="l"><span class="n">${n + 1}</span>${spans}</div>`;
  });
  const name = path.basename(file);
  process.stdout.write(`<!doctype html>
<html><head><meta charset="utf-8"><title>${escape(name)}</title><style>
body { margin: 0; background: #1f1f1f; font: 14px/20px "DejaVu Sans Mono", Menlo, Consolas, monospace; }
.tab { background: #181818; color: #ffffff; padding: 8px 16px; border-bottom: 1px solid #2b2b2b; font-family: sans-serif; font-size: 13px; }
.code { padding: 8px 0; white-space: pre; }
.n { display: inline-block; width: 44px; padding-right: 16px; text-align: right; color: #6e7681; }
</style></head><body><div class="tab">${escape(name)}</div><div class="code">
${rows.join("")}
</div></body></html>
`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
