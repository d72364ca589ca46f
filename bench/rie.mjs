// Benchmark of `emulate rie`: sequential warm invocations of a trivial handler under the real aws-lambda-ric,
// beside the two transport costs no emulator can avoid, measured in the same run: a bare HTTP round trip and
// the RIC's own loop against a minimal Runtime API stub. Overhead = emulate p50 − both baselines. With RIE_BIN, the
// real aws-lambda-rie runs the same runtime; every setup is measured in alternating rounds (BENCH_ROUNDS, default 5),
// each of BENCH_COUNT invocations, and the p50 ratio is given as the median and range over rounds.
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { fmt, measureTree, median, sequential, startBurner, startProcess } from './lib.mjs';
import { ensureRic } from '../fixtures/ric/install.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CLI = `${ROOT}dist/src/cli/main.js`;
const RIC = `${ROOT}fixtures/ric/node_modules/aws-lambda-ric/index.mjs`;
const TASK_ROOT = `${ROOT}fixtures/bench`;
const INVOKE = '/2015-03-31/functions/function/invocations';
const COUNT = Number(process.env.BENCH_COUNT ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

const listen = (server) => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));

/** Baseline 1: a client → server round trip that does nothing. */
async function bareHttp() {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('{"ok":true}'));
  });
  const port = await listen(server);
  const result = await sequential(`http://127.0.0.1:${port}`, { path: '/', count: COUNT });
  server.close();
  return result;
}

/** Baseline 2: the RIC's loop (/next, handler, /response) against a stub that answers /next at once. */
async function ricLoop() {
  let n = 0;
  let times = [];
  let last = 0;
  let resolveDone;
  const done = new Promise((r) => (resolveDone = r));
  const total = COUNT + 100;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url.endsWith('/next')) {
        const now = performance.now();
        if (n > 100) times.push(now - last);
        last = now;
        if (n++ >= total) {
          resolveDone();
          return; // hold the last /next
        }
        res.writeHead(200, {
          'Content-Type': 'application/json',
          'Lambda-Runtime-Aws-Request-Id': `r-${n}`,
          'Lambda-Runtime-Deadline-Ms': String(Date.now() + 300_000),
          'Lambda-Runtime-Invoked-Function-Arn': 'arn:aws:lambda:us-east-1:012345678912:function:bench',
        });
        res.end('{}');
      } else {
        res.writeHead(202, { 'Content-Type': 'application/json' });
        res.end('{"status":"OK"}\n');
      }
    });
  });
  server.keepAliveTimeout = 0;
  const port = await listen(server);
  const child = (await import('node:child_process')).spawn(process.execPath, [RIC], {
    env: ricEnv(`127.0.0.1:${port}`),
    stdio: 'ignore',
  });
  await done;
  child.kill('SIGKILL');
  server.closeAllConnections();
  server.close();
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length / 2)], p99: times[Math.floor(times.length * 0.99)], perSecond: 1000 / (times.reduce((a, b) => a + b, 0) / times.length) };
}

function ricEnv(runtimeApi) {
  return {
    PATH: process.env.PATH,
    _HANDLER: 'trivial.handler',
    LAMBDA_TASK_ROOT: TASK_ROOT,
    AWS_LAMBDA_FUNCTION_NAME: 'bench',
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128',
    AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/bench',
    AWS_LAMBDA_LOG_STREAM_NAME: 'bench',
    ...(runtimeApi ? { AWS_LAMBDA_RUNTIME_API: runtimeApi } : {}),
  };
}

/** The product: `emulate rie -- node <ric>` with a trivial handler; `dist` picks another build (a baseline). */
async function startEmulateRie(dist = `${ROOT}dist`) {
  const proc = await startProcess(
    process.execPath,
    [`${dist}/src/cli/main.js`, 'rie', '--runtime-interface-emulator-address', '127.0.0.1:0', '--runtime-api-address', '127.0.0.1:0', '--', 'node', RIC],
    { env: ricEnv(), cwd: ROOT, ready: /Listening on (\S+)/ },
  );
  return { ...proc, origin: `http://${proc.match[1]}` };
}

/** An aws-lambda-rie binary given in RIE_BIN (bench/rie-bin/build.sh builds one), run the same way. */
async function startRealRie(bin) {
  const port = 18080 + Math.floor(Math.random() * 1000);
  const proc = await startProcess(bin, ['--runtime-interface-emulator-address', `127.0.0.1:${port}`, '--runtime-api-address', `127.0.0.1:${port + 1}`, 'node', RIC, 'trivial.handler'], {
    env: { ...ricEnv(), LOG_LEVEL: 'info' },
    cwd: ROOT,
    ready: /exec '/,
  });
  return { ...proc, origin: `http://127.0.0.1:${port}` };
}

/** One round against a running emulator: COUNT sequential invocations, with its process tree's CPU and context switches. */
async function round(proc) {
  const m = await measureTree(proc.pid, () => sequential(proc.origin, { path: INVOKE, count: COUNT }));
  return { ...m.result, cpuUs: (m.cpu / (COUNT + 100)) * 1e6, switches: (m.voluntary + m.involuntary) / (COUNT + 100) };
}

export async function benchRie() {
  await ensureRic();
  const load = loadavg().map((n) => n.toFixed(2)).join(' ');
  const burner = process.env.BENCH_BURNER === '1' ? startBurner() : undefined;
  const setups = [
    { name: 'emulate rie + aws-lambda-ric', start: () => startEmulateRie() },
    // BENCH_BASELINE_DIST=<dist>[,<dist>...] adds other builds of emulate, for before/after side by side.
    ...(process.env.BENCH_BASELINE_DIST ?? '').split(',').filter(Boolean).map((dist) => ({ name: `emulate rie baseline (${dist})`, start: () => startEmulateRie(dist) })),
    ...(process.env.RIE_BIN ? [{ name: 'aws-lambda-rie (RIE_BIN) + aws-lambda-ric', start: () => startRealRie(process.env.RIE_BIN), rie: true }] : []),
  ];
  const baselines = [
    { name: 'bare HTTP round trip (baseline)', run: bareHttp, rounds: [] },
    { name: 'aws-lambda-ric loop vs. stub Runtime API (baseline)', run: ricLoop, rounds: [] },
  ];
  const running = [];
  try {
    for (const s of setups) running.push({ ...s, proc: await s.start(), rounds: [] });
    // Alternating rounds (baselines, emulate, [baseline builds], RIE, baselines, emulate, ...): a change in the
    // machine's load touches every setup alike; each round gives one p50 ratio.
    for (let i = 0; i < ROUNDS; i++) {
      for (const b of baselines) b.rounds.push(await b.run());
      for (const s of running) s.rounds.push(await round(s.proc));
    }
  } finally {
    burner?.stop();
    await Promise.all(running.map((s) => s.proc.stop()));
  }
  const med = (s, key) => median(s.rounds.map((r) => r[key]));
  const [emu] = running;
  const rie = running.find((s) => s.rie);
  const [http, loop] = baselines;
  const ratio = (a, b, key, label) => {
    const each = a.rounds.map((r, i) => r[key] / b.rounds[i][key]);
    return `${label} = ${fmt(median(each), 2)}× median (range ${fmt(Math.min(...each), 2)}–${fmt(Math.max(...each), 2)}× over ${each.length} rounds)`;
  };
  const overhead = med(emu, 'p50') - med(http, 'p50') - med(loop, 'p50');
  return {
    title: `emulate rie: ${ROUNDS} alternating rounds × ${COUNT} sequential warm invocations of a trivial Node handler${burner ? ', with a CPU burner' + (burner.pinned ? ' pinned to core 0' : '') : ''}`,
    header: ['setup', 'p50 ms', 'p99 ms', 'invocations/s', 'CPU µs/invocation', 'ctx switches/invocation'],
    rows: [
      ...baselines.map((b) => [b.name, fmt(med(b, 'p50')), fmt(med(b, 'p99')), fmt(med(b, 'perSecond'), 0), '', '']),
      ...running.map((s) => [s.name, fmt(med(s, 'p50')), fmt(med(s, 'p99')), fmt(med(s, 'perSecond'), 0), fmt(med(s, 'cpuUs'), 0), fmt(med(s, 'switches'), 1)]),
    ],
    notes: [
      `load average at the start: ${load}`,
      `emulate overhead at p50 = ${fmt(med(emu, 'p50'))} − ${fmt(med(http, 'p50'))} − ${fmt(med(loop, 'p50'))} = ${fmt(overhead)} ms (medians of rounds; target < 1 ms)`,
      ...running.slice(1, rie ? -1 : undefined).map((b) => ratio(emu, b, 'p50', `p50 emulate / ${b.name}`)),
      ...(rie
        ? [ratio(emu, rie, 'p50', 'p50 emulate / aws-lambda-rie'), 'target (issue 22): p50 ratio ≤ 0.8×']
        : ['aws-lambda-rie not measured (set RIE_BIN to a binary to add it; bench/rie-bin/build.sh builds one)']),
      'CPU and context switches are the emulator\'s process tree (emulator and runtime), per invocation, median of rounds',
    ],
  };
}
