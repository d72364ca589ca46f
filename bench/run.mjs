// `npm run bench`: runs every benchmark side by side with its baseline or peer and prints one table each.
import { cpus } from 'node:os';
import { benchBuild } from './build.mjs';
import { benchDocker } from './docker.mjs';
import { benchExtensions } from './extensions.mjs';
import { benchFunctionUrl } from './function-url.mjs';
import { benchLambda } from './lambda.mjs';
import { benchRie } from './rie.mjs';
import { benchStartApi } from './start-api.mjs';
import { benchTemplate } from './template.mjs';

const BENCHES = { rie: benchRie, lambda: benchLambda, 'start-api': benchStartApi, docker: benchDocker, template: benchTemplate, build: benchBuild, 'function-url': benchFunctionUrl, extensions: benchExtensions };

function table({ title, header, rows, notes }) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  return [`### ${title}`, '', line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line), '', ...notes.map((n) => `- ${n}`), ''].join('\n');
}

const only = process.argv.slice(2);
console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}\n`);
for (const [name, bench] of Object.entries(BENCHES)) {
  if (only.length && !only.includes(name)) continue;
  console.log(table(await bench()));
}
