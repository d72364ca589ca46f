// Benchmark: extra latency per warm invocation with one idle extension registered (INVOKE, SHUTDOWN) against the
// same function without it (issue 21's target: under 0.5 ms at p50). The idle extension runs twice: once with a new
// connection per /event/next (Python urllib, as AWS's samples do) and once over a kept-alive connection, which tells
// the extension's own connection cost from the emulator's. The three functions are measured in alternating rounds
// (the order rotates each round), so a change in the machine's load touches them alike; each round gives one extra
// p50 per extension, and the table shows the median and the range.
// `npm run build` first; `node bench/run.mjs extensions` (BENCH_ROUNDS, BENCH_COUNT per round), or
// `node bench/extensions.mjs [invocations per round]` for the raw figures as JSON.
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { fmt, median, percentile } from './lib.mjs';

const DIST = new URL('../dist/src/index.js', import.meta.url);
const TEMPLATE = fileURLToPath(new URL('../fixtures/extensions/template.yaml', import.meta.url));
const FUNCTIONS = ['Plain', 'WithIdle', 'WithIdleKeepAlive'];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

async function p50Of(emu, fn, n) {
  const times = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    const r = await emu.invoke(fn, { i });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (!r.ok) throw new Error(`${fn} failed: ${JSON.stringify(r.value)}`);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

export async function measureExtensions(n = Number(process.env.BENCH_COUNT ?? 500), rounds = ROUNDS) {
  const { createEmulator } = await import(DIST.href);
  const emu = await createEmulator({ template: TEMPLATE, runner: 'process', logLevel: 'silent', lambdaPort: false });
  const load = loadavg().map((l) => l.toFixed(2)).join(' ');
  const perRound = [];
  try {
    for (const fn of FUNCTIONS) for (let i = 0; i < 50; i++) await emu.invoke(fn, {}); // cold starts and warm-up outside the measurement
    for (let r = 0; r < rounds; r++) {
      const order = FUNCTIONS.map((_, i) => FUNCTIONS[(i + r) % FUNCTIONS.length]);
      const round = {};
      for (const fn of order) round[fn] = await p50Of(emu, fn, n);
      perRound.push(round);
    }
  } finally {
    await emu.close();
  }
  const extra = (fn) => perRound.map((round) => round[fn].p50 - round.Plain.p50).sort((a, b) => a - b);
  const summary = (values) => ({ median: median(values), min: values[0], max: values[values.length - 1] });
  return {
    load,
    n,
    rounds,
    p50: Object.fromEntries(FUNCTIONS.map((fn) => [fn, median(perRound.map((round) => round[fn].p50))])),
    p99: Object.fromEntries(FUNCTIONS.map((fn) => [fn, median(perRound.map((round) => round[fn].p99))])),
    extraP50Ms: summary(extra('WithIdle')),
    keepAliveExtraP50Ms: summary(extra('WithIdleKeepAlive')),
  };
}

export async function benchExtensions() {
  const m = await measureExtensions();
  const range = (s) => `${fmt(s.median)} (${fmt(s.min)} to ${fmt(s.max)})`;
  return {
    title: `Extensions: one idle extension, ${m.rounds} alternating rounds × ${m.n} sequential warm invocations (process runner, Python handler)`,
    header: ['function', 'p50 ms', 'p99 ms', 'extra p50 ms over Plain: median (range)'],
    rows: [
      ['Plain (no extension)', fmt(m.p50.Plain), fmt(m.p99.Plain), '—'],
      ['WithIdle (urllib, new connection per /event/next)', fmt(m.p50.WithIdle), fmt(m.p99.WithIdle), range(m.extraP50Ms)],
      ['WithIdleKeepAlive (http.client, one connection)', fmt(m.p50.WithIdleKeepAlive), fmt(m.p99.WithIdleKeepAlive), range(m.keepAliveExtraP50Ms)],
    ],
    notes: [`load average at the start: ${m.load}`, 'target (issue 21): under 0.5 ms extra at p50 with one idle extension registered'],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await measureExtensions(Number(process.argv[2] ?? process.env.BENCH_COUNT ?? 500)), null, 2));
}
