// Benchmark of `emulate rie`: sequential warm invocations of a trivial handler under the real aws-lambda-ric,
// beside the two transport costs no emulator can avoid, measured in the same run: a bare HTTP round trip and
// the RIC's own loop against a minimal Runtime API stub. Overhead = emulate p50 − both baselines.
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { fmt, sequential, startProcess } from './lib.mjs';
import { ensureRic } from '../fixtures/ric/install.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CLI = `${ROOT}dist/src/cli/main.js`;
const RIC = `${ROOT}fixtures/ric/node_modules/aws-lambda-ric/index.mjs`;
const TASK_ROOT = `${ROOT}fixtures/bench`;
const INVOKE = '/2015-03-31/functions/function/invocations';
const COUNT = Number(process.env.BENCH_COUNT ?? 2000);

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

/** The product: `emulate rie -- node <ric>` with a trivial handler. */
async function emulateRie() {
  const proc = await startProcess(
    process.execPath,
    [CLI, 'rie', '--runtime-interface-emulator-address', '127.0.0.1:0', '--runtime-api-address', '127.0.0.1:0', '--', 'node', RIC],
    { env: ricEnv(), cwd: ROOT, ready: /Listening on (\S+)/ },
  );
  try {
    return await sequential(`http://${proc.match[1]}`, { path: INVOKE, count: COUNT });
  } finally {
    await proc.stop();
  }
}

/** An aws-lambda-rie binary given in RIE_BIN, run the same way, for a side-by-side figure. */
async function realRie() {
  const bin = process.env.RIE_BIN;
  if (!bin) return undefined;
  const port = 18080 + Math.floor(Math.random() * 1000);
  const proc = await startProcess(bin, ['--runtime-interface-emulator-address', `127.0.0.1:${port}`, '--runtime-api-address', `127.0.0.1:${port + 1}`, 'node', RIC, 'trivial.handler'], {
    env: { ...ricEnv(), LOG_LEVEL: 'info' },
    cwd: ROOT,
    ready: /exec '/,
  });
  try {
    return await sequential(`http://127.0.0.1:${port}`, { path: INVOKE, count: COUNT });
  } finally {
    await proc.stop();
  }
}

export async function benchRie() {
  await ensureRic();
  const http = await bareHttp();
  const loop = await ricLoop();
  const emu = await emulateRie();
  const rie = await realRie();
  const overhead = emu.p50 - http.p50 - loop.p50;
  const rows = [
    ['bare HTTP round trip (baseline)', http],
    ['aws-lambda-ric loop vs. stub Runtime API (baseline)', loop],
    ['emulate rie + aws-lambda-ric', emu],
    ...(rie ? [['aws-lambda-rie (RIE_BIN) + aws-lambda-ric', rie]] : []),
  ];
  return {
    title: `emulate rie: ${COUNT} sequential warm invocations of a trivial Node handler`,
    header: ['setup', 'p50 ms', 'p99 ms', 'invocations/s'],
    rows: rows.map(([name, r]) => [name, fmt(r.p50), fmt(r.p99), fmt(r.perSecond, 0)]),
    notes: [
      `emulate overhead at p50 = ${fmt(emu.p50)} − ${fmt(http.p50)} − ${fmt(loop.p50)} = ${fmt(overhead)} ms (target < 1 ms)`,
      ...(rie ? [`throughput ratio emulate / aws-lambda-rie = ${fmt(emu.perSecond / rie.perSecond, 2)}×`] : ['aws-lambda-rie not measured (set RIE_BIN to a binary to add it)']),
    ],
  };
}
