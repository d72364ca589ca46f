// Benchmark of `emulate start-api --runner process` against serverless-offline 13.9 (serverless 3) in its default
// mode and in `--useInProcess` mode, on the same trivial handler behind an HTTP API route, with autocannon
// (10 connections). The three servers run at once and are measured in alternating rounds (A B C A B C ...), so a
// change in the machine's load touches every setup alike; each round gives one ratio, and the table shows the
// median and the range. BENCH_BURNER=1 adds a CPU burner pinned to one core for the whole run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { fmt, measureTree, median, startBurner, startProcess } from './lib.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const PEERS = fileURLToPath(new URL('./peers/', import.meta.url));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ROUND_S = Number(process.env.BENCH_ROUND_S ?? 5);
const CONNECTIONS = 10;

function ensurePeers() {
  if (existsSync(`${PEERS}node_modules/.bin/sls`) && existsSync(`${PEERS}node_modules/autocannon`)) return;
  console.error('installing benchmark peers (serverless 3, serverless-offline 13.9, autocannon) into bench/peers ...');
  const res = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: PEERS, stdio: 'inherit' });
  if (res.status !== 0) throw new Error('could not install the benchmark peers');
}

const autocannon = () => createRequire(`${PEERS}package.json`)('autocannon');

async function startEmulate(dist = `${ROOT}dist`) {
  const proc = await startProcess(
    process.execPath,
    [`${dist}/src/cli/main.js`, 'start-api', '-t', `${ROOT}fixtures/bench/template.yaml`, '--runner', 'process', '-p', '0', '--log-level', 'warn'],
    { env: { PATH: process.env.PATH }, cwd: ROOT, ready: /Listening on (\S+)/ },
  );
  return { ...proc, url: `${proc.match[1]}/` };
}

/** The floor (bench/floor.mjs): a raw node:http server relaying each request to the handler in a child process. */
async function startFloor() {
  const proc = await startProcess(process.execPath, [`${ROOT}bench/floor.mjs`], { env: { PATH: process.env.PATH, ...pick('FLOOR_TRANSPORT', 'FLOOR_CHILDREN') }, cwd: ROOT, ready: /Listening on (\S+)/ });
  return { ...proc, url: `${proc.match[1]}/` };
}

const pick = (...names) => Object.fromEntries(names.filter((n) => process.env[n] !== undefined).map((n) => [n, process.env[n]]));

async function startServerlessOffline(extra) {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const proc = await startProcess(
    `${PEERS}node_modules/.bin/sls`,
    ['offline', '--host', '127.0.0.1', '--httpPort', String(port), '--lambdaPort', String(port + 1), '--noPrependStageInUrl', ...extra],
    {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', SLS_DEPRECATION_DISABLE: '*' },
      cwd: PEERS,
      ready: /Server ready: (\S+)/,
    },
  );
  return { ...proc, url: `http://127.0.0.1:${port}/` };
}

/** One measured round: requests/s, latency, errors, and the CPU and context switches of the server's process tree per request. */
async function round(setup, duration) {
  const m = await measureTree(setup.pid, () => autocannon()({ url: setup.url, connections: CONNECTIONS, duration }));
  const r = m.result;
  const total = r.requests.total || 1;
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.non2xx + r.timeouts,
    cpuUs: (m.cpu / total) * 1e6,
    switches: (m.voluntary + m.involuntary) / total,
  };
}

export async function benchStartApi() {
  if (process.env.BENCH_PEERS !== 'floor') ensurePeers();
  const load = loadavg().map((n) => n.toFixed(2)).join(' ');
  const burner = process.env.BENCH_BURNER === '1' ? startBurner() : undefined;
  const setups = [
    { name: 'emulate start-api --runner process', start: startEmulate },
    // BENCH_BASELINE_DIST=<dist>[,<dist>...] adds other builds of emulate as setups, for before/after side by side.
    ...(process.env.BENCH_BASELINE_DIST ?? '').split(',').filter(Boolean).map((dist) => ({ name: `emulate baseline (${dist})`, start: () => startEmulate(dist) })),
    { key: 'floor', name: 'floor: minimal two-process relay', start: startFloor, floor: true },
    { key: 'default', name: 'serverless-offline 13.9 (default mode)', start: () => startServerlessOffline([]) },
    { key: 'inprocess', name: 'serverless-offline 13.9 --useInProcess', start: () => startServerlessOffline(['--useInProcess']) },
  ].filter((s) => !s.key || !process.env.BENCH_PEERS || process.env.BENCH_PEERS.split(',').includes(s.key)); // BENCH_PEERS=floor,default,inprocess picks peers
  const running = [];
  try {
    for (const s of setups) running.push({ ...s, proc: await s.start(), rounds: [] });
    for (const s of running) await round({ url: s.proc.url, pid: s.proc.pid }, 2); // warm-up
    for (let i = 0; i < ROUNDS; i++) for (const s of running) s.rounds.push(await round({ url: s.proc.url, pid: s.proc.pid }, ROUND_S));
  } finally {
    burner?.stop();
    await Promise.all(running.map((s) => s.proc.stop()));
  }
  const [emu, ...peers] = running;
  const med = (s, key) => median(s.rounds.map((r) => r[key]));
  const row = (s) => [s.name, fmt(med(s, 'rps'), 0), fmt(med(s, 'p50'), 0), fmt(med(s, 'p99'), 0), fmt(med(s, 'cpuUs'), 0), fmt(med(s, 'switches'), 1), String(s.rounds.reduce((n, r) => n + r.errors, 0))];
  const ratio = (peer, of = emu) => {
    const each = of.rounds.map((r, i) => r.rps / peer.rounds[i].rps);
    return `${of === emu ? 'emulate' : of.name} / ${peer.name} = ${fmt(median(each), 2)}× median (range ${fmt(Math.min(...each), 2)}–${fmt(Math.max(...each), 2)}× over ${each.length} rounds)`;
  };
  const floor = running.find((s) => s.floor);
  const inProcess = running.find((s) => s.name.includes('--useInProcess'));
  return {
    title: `start-api: autocannon, ${CONNECTIONS} connections, ${ROUNDS} alternating rounds × ${ROUND_S} s, trivial Node handler behind GET / (HTTP API)${burner ? ', with a CPU burner' + (burner.pinned ? ' pinned to core 0' : '') : ''}`,
    header: ['setup', 'requests/s', 'p50 ms', 'p99 ms', 'CPU µs/request', 'ctx switches/request', 'errors'],
    rows: running.map(row),
    notes: [
      `load average at the start: ${load}`,
      ...peers.map((p) => ratio(p)),
      ...(floor && inProcess ? [ratio(inProcess, floor)] : []),
      'targets (issue 22): ≥ 3× serverless-offline default mode and ≥ 1× its --useInProcess mode',
      'the floor relays each request over a pipe to a child process running the same handler (bench/floor.mjs): what any design keeping the function in its own process pays',
      'CPU and context switches are the server process tree\'s (emulate with its runtimes; serverless-offline with its workers), per request, median of rounds',
    ],
  };
}
