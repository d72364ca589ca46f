// Benchmark of Function URLs: time to first byte and throughput of a RESPONSE_STREAM URL beside a BUFFERED one,
// on the process and Docker runners (fixtures/function-url), through undici. Figures go to BENCHMARKS.md.
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { fmt, percentile } from './lib.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const TEMPLATE = `${ROOT}fixtures/function-url/template.yaml`;
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const MIB = 1024 * 1024;

/** One GET: ms to the status line, ms to the first body byte, ms to the end, bytes. */
async function once(url) {
  const t0 = performance.now();
  const res = await request(url);
  const head = performance.now() - t0;
  let first;
  let bytes = 0;
  for await (const chunk of res.body) {
    first ??= performance.now() - t0;
    bytes += chunk.length;
  }
  if (res.statusCode !== 200) throw new Error(`${url}: status ${res.statusCode}`);
  return { head, first: first ?? head, total: performance.now() - t0, bytes };
}

async function measure(url) {
  await once(url); // warm: the environment is started
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await once(url));
  const ttfb = runs.map((r) => r.first).sort((a, b) => a - b);
  const mbps = runs.map((r) => r.bytes / MIB / (r.total / 1000)).sort((a, b) => a - b);
  return { ttfb: percentile(ttfb, 50), mbps: percentile(mbps, 50), bytes: runs[0].bytes };
}

async function runner(name) {
  const { createEmulator } = await import(`${ROOT}dist/src/index.js`);
  let emu;
  try {
    // The bandwidth cap is off so the figures are the emulator's own speed (with it, a stream past 6 MiB runs at 2 MiB/s by design).
    emu = await createEmulator({ template: TEMPLATE, runner: name, skipPullImage: true, port: false, lambdaPort: false, functionUrlPorts: 0, streamBandwidthLimit: false, logLevel: 'error' });
  } catch (err) {
    return [[name, 'unavailable', '', '', String(err.message ?? err).slice(0, 60)]];
  }
  try {
    const streamed = emu.functionUrls.StreamFunction.url;
    const buffered = emu.functionUrls.EchoFunction.url;
    const rows = [];
    for (const [mode, url] of [
      ['BUFFERED', `${buffered}big?mb=4`],
      ['RESPONSE_STREAM', `${streamed}big?mb=4`],
      ['RESPONSE_STREAM', `${streamed}big?mb=30`],
      ['RESPONSE_STREAM (SSE, 1 s gap)', `${streamed}sse`],
    ]) {
      const r = await measure(url);
      rows.push([name, mode, `${fmt(r.bytes / MIB, 1)} MiB`, `${fmt(r.ttfb, 1)} ms`, r.bytes > 1000 ? `${fmt(r.mbps, 1)} MiB/s` : '-']);
    }
    return rows;
  } finally {
    await emu.close();
  }
}

export async function benchFunctionUrl() {
  const rows = [...(await runner('process')), ...(await runner('docker'))];
  return {
    title: 'Function URLs: streamed vs buffered (median of runs, warm environment)',
    header: ['runner', 'invoke mode', 'body', 'TTFB p50', 'throughput p50'],
    rows,
    notes: [
      `${RUNS} sequential GETs each after one warm-up (BENCH_RUNS), undici on 127.0.0.1; TTFB = first body byte.`,
      'A BUFFERED body is capped by the 6 MB payload limit (4 MiB here, base64 in the result); a streamed one is not.',
      'Run with streamBandwidthLimit: false (--no-stream-bandwidth-limit): by default emulate, as AWS, caps a stream at 2 MiB/s after its first 6 MiB.',
    ],
  };
}
