// Benchmark of `emulate start-api --runner process` against serverless-offline 13.9 (serverless 3, default mode)
// on the same trivial handler behind an HTTP API route, in the same run, with autocannon (10 connections).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { fmt, measureCpu, startProcess } from './lib.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const PEERS = fileURLToPath(new URL('./peers/', import.meta.url));
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = 10;

function ensurePeers() {
  if (existsSync(`${PEERS}node_modules/.bin/sls`) && existsSync(`${PEERS}node_modules/autocannon`)) return;
  console.error('installing benchmark peers (serverless 3, serverless-offline 13.9, autocannon) into bench/peers ...');
  const res = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: PEERS, stdio: 'inherit' });
  if (res.status !== 0) throw new Error('could not install the benchmark peers');
}

/** Warm-up, then the measured run; with `pid`, also the CPU that process and its children used during the measured run. */
async function load(url, pid) {
  const autocannon = createRequire(`${PEERS}package.json`)('autocannon');
  await autocannon({ url, connections: CONNECTIONS, duration: 2 }); // warm-up
  const run = () => autocannon({ url, connections: CONNECTIONS, duration: DURATION_S });
  const { result: r, cpu } = pid ? await measureCpu(pid, run) : { result: await run() };
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, total: r.requests.total, errors: r.errors + r.non2xx + r.timeouts, cpu };
}

async function emulate() {
  const proc = await startProcess(
    process.execPath,
    [`${ROOT}dist/src/cli/main.js`, 'start-api', '-t', `${ROOT}fixtures/bench/template.yaml`, '--runner', 'process', '-p', '0', '--log-level', 'warn'],
    { env: { PATH: process.env.PATH }, cwd: ROOT, ready: /Listening on (\S+)/ },
  );
  try {
    // Where the CPU goes per request: the emulator process, and its runtimes.
    return await load(`${proc.match[1]}/`, proc.pid);
  } finally {
    await proc.stop();
  }
}

async function serverlessOffline() {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const proc = await startProcess(
    `${PEERS}node_modules/.bin/sls`,
    ['offline', '--host', '127.0.0.1', '--httpPort', String(port), '--lambdaPort', String(port + 1), '--noPrependStageInUrl'],
    {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', SLS_DEPRECATION_DISABLE: '*' },
      cwd: PEERS,
      ready: /Server ready: (\S+)/,
    },
  );
  try {
    return await load(`http://127.0.0.1:${port}/`, proc.pid);
  } finally {
    await proc.stop();
  }
}

const perRequestUs = (seconds, run) => fmt((seconds / run.total) * 1e6, 0);

export async function benchStartApi() {
  ensurePeers();
  const emu = await emulate();
  const so = await serverlessOffline();
  const row = (name, r) => [name, fmt(r.rps, 0), fmt(r.p50, 0), fmt(r.p99, 0), String(r.total), String(r.errors)];
  return {
    title: `start-api: autocannon, ${CONNECTIONS} connections, ${DURATION_S} s, trivial Node handler behind GET / (HTTP API)`,
    header: ['setup', 'requests/s', 'p50 ms', 'p99 ms', 'requests', 'errors'],
    rows: [row('emulate start-api --runner process', emu), row('serverless-offline 13.9 (serverless 3, default mode)', so)],
    notes: [
      `throughput ratio emulate / serverless-offline = ${fmt(emu.rps / so.rps, 2)}× (target ≥ 1.5×; issue 8 asks 2×)`,
      ...(emu.cpu && so.cpu
        ? [
            `CPU per request in the measured run (from /proc): emulate ${perRequestUs(emu.cpu.self, emu)} µs + its runtimes ${perRequestUs(emu.cpu.children, emu)} µs; ` +
              `serverless-offline ${perRequestUs(so.cpu.self + so.cpu.children, so)} µs (worker threads included)`,
          ]
        : []),
    ],
  };
}
