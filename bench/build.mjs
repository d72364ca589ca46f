// Benchmark of builds: start-up with 20 esbuild (TypeScript) functions, and edit-to-served latency under --watch.
// Run `npm run build` first; then `node bench/build.mjs [functions] [edits]`.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const DIST = new URL('../dist/src/index.js', import.meta.url);

/** A project of `count` TypeScript functions with SAM's esbuild metadata, and a node_modules so the cache stays inside. */
function project(count) {
  const dir = mkdtempSync(path.join(tmpdir(), 'emulate-bench-build-'));
  mkdirSync(path.join(dir, 'node_modules'));
  const lines = ['Transform: AWS::Serverless-2016-10-31', 'Resources:'];
  for (let i = 0; i < count; i++) {
    const code = path.join(dir, `fn${i}`);
    mkdirSync(code);
    writeFileSync(path.join(code, 'app.ts'), `type Out = { n: number; v: string };\nexport const handler = async (): Promise<Out> => ({ n: ${i}, v: 'v0' });\n`);
    lines.push(`  Fn${i}:`, '    Type: AWS::Serverless::Function', '    Properties:', `      CodeUri: fn${i}/`, '      Handler: app.handler', '      Runtime: nodejs20.x',
      '    Metadata:', '      BuildMethod: esbuild', '      BuildProperties:', '        Minify: true', '        Sourcemap: true', '        EntryPoints: [app.ts]');
  }
  writeFileSync(path.join(dir, 'template.yaml'), `${lines.join('\n')}\n`);
  return dir;
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

export async function benchBuild(count = 20, edits = 30) {
  const { createEmulator } = await import(DIST.href);
  const startups = [];
  for (let run = 0; run < 5; run++) {
    const dir = project(count);
    const started = performance.now();
    const emu = await createEmulator({ template: path.join(dir, 'template.yaml'), runner: 'process', logLevel: 'silent', port: false, lambdaPort: false });
    startups.push(performance.now() - started);
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  }
  startups.sort((a, b) => a - b);

  const dir = project(count);
  const emu = await createEmulator({ template: path.join(dir, 'template.yaml'), runner: 'process', logLevel: 'silent', port: false, lambdaPort: false, watch: true });
  const latencies = [];
  try {
    await emu.invoke('Fn0');
    for (let e = 1; e <= edits; e++) {
      const want = `v${e}`;
      const started = performance.now();
      writeFileSync(path.join(dir, 'fn0', 'app.ts'), `type Out = { n: number; v: string };\nexport const handler = async (): Promise<Out> => ({ n: 0, v: '${want}' });\n`);
      // Invokes until the edit is served: what a developer reloading the page would see.
      for (;;) {
        const { value } = await emu.invoke('Fn0');
        if (value?.v === want) break;
      }
      latencies.push(performance.now() - started);
    }
  } finally {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  }
  latencies.sort((a, b) => a - b);
  return {
    title: `Builds: ${count} esbuild functions`,
    header: ['measure', 'p50 ms', 'min ms', 'max ms', 'runs'],
    rows: [
      [`start-up: createEmulator() with ${count} TypeScript functions bundled`, pct(startups, 50).toFixed(1), startups[0].toFixed(1), startups.at(-1).toFixed(1), startups.length],
      ['--watch: app.ts written → new code answers (rebuild + fresh environment)', pct(latencies, 50).toFixed(1), latencies[0].toFixed(1), latencies.at(-1).toFixed(1), latencies.length],
    ],
    notes: ['process runner; the edit latency includes the fs event, the 15 ms debounce, esbuild rebuild() and a cold start; target under 300 ms'],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchBuild(Number(process.argv[2] ?? 20), Number(process.argv[3] ?? 30));
  console.log(r.header.join(' | '));
  for (const row of r.rows) console.log(row.join(' | '));
}
