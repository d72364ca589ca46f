// Benchmark: extra latency per warm invocation with one idle extension registered (INVOKE, SHUTDOWN) vs without;
// the idle extension once with a new connection per /event/next and once over a kept-alive connection.
// Run `npm run build` first; then `node bench/extensions.mjs [invocations]` on a quiet machine.
import { fileURLToPath } from 'node:url';

const DIST = new URL('../dist/src/index.js', import.meta.url);
const TEMPLATE = fileURLToPath(new URL('../fixtures/extensions/template.yaml', import.meta.url));
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

export async function benchExtensions(n = 300) {
  const { createEmulator } = await import(DIST.href);
  const emu = await createEmulator({ template: TEMPLATE, runner: 'process', logLevel: 'silent', lambdaPort: false });
  const out = {};
  try {
    for (const fn of ['Plain', 'WithIdle', 'WithIdleKeepAlive']) {
      await emu.invoke(fn, {}); // cold start outside the measurement
      const times = [];
      for (let i = 0; i < n; i++) {
        const t0 = process.hrtime.bigint();
        const r = await emu.invoke(fn, { i });
        times.push(Number(process.hrtime.bigint() - t0) / 1e6);
        if (!r.ok) throw new Error(`${fn} failed: ${JSON.stringify(r.value)}`);
      }
      times.sort((a, b) => a - b);
      out[fn] = { p50: pct(times, 50), p99: pct(times, 99) };
    }
  } finally {
    await emu.close();
  }
  // WithIdle's extension opens a connection per /event/next (urllib, as AWS's Python samples do); WithIdleKeepAlive's keeps one.
  return {
    ...out,
    extraP50Ms: out.WithIdle.p50 - out.Plain.p50,
    extraP99Ms: out.WithIdle.p99 - out.Plain.p99,
    keepAliveExtraP50Ms: out.WithIdleKeepAlive.p50 - out.Plain.p50,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchExtensions(Number(process.argv[2] ?? 300)), null, 2));
}
