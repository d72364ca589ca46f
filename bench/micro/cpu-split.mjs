// Where start-api's CPU goes, per process: `emulate start-api --runner process` on the bench template, 10 undici
// connections for BENCH_SECONDS (default 6) after a 2 s warm-up; then the CPU (user and total) and context switches
// of the emulator and of each runtime it started, per request of the whole load, from /proc/<pid>/stat and status.
// Needs `npm run build`. Usage: node bench/micro/cpu-split.mjs
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const TICK_MS = 10; // USER_HZ 100

const emulator = spawn(process.execPath, ['dist/src/cli/main.js', 'start-api', '-t', 'fixtures/bench/template.yaml', '--runner', 'process', '-p', '0', '--log-level', 'warn'], {
  cwd: ROOT,
  stdio: ['ignore', 'ignore', 'pipe'],
});
const url = await new Promise((resolve) => {
  let err = '';
  emulator.stderr.on('data', (chunk) => {
    err += chunk;
    const match = /Listening on (\S+)/.exec(err);
    if (match) resolve(match[1]);
  });
});
const pool = new Pool(url, { connections: 10 });

const stat = (pid) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
const sample = (pid) => {
  const f = stat(pid);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const switches = Number(/\nvoluntary_ctxt_switches:\s+(\d+)/.exec(status)[1]) + Number(/nonvoluntary_ctxt_switches:\s+(\d+)/.exec(status)[1]);
  return { user: Number(f[11]) * TICK_MS, total: (Number(f[11]) + Number(f[12])) * TICK_MS, switches };
};
/** The emulator's runtimes: its descendants running emulate's Node client. */
const runtimes = (parent = emulator.pid) => {
  let children = [];
  try {
    children = execFileSync('pgrep', ['-P', String(parent)]).toString().trim().split('\n').map(Number);
  } catch {
    return [];
  }
  return children.flatMap((pid) => {
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      return [];
    }
    return [...(cmdline.includes('runtime-api/clients/node/main.js') ? [pid] : []), ...runtimes(pid)];
  });
};

async function drive(seconds) {
  let stop = false;
  let count = 0;
  const worker = async () => {
    while (!stop) {
      const res = await pool.request({ path: '/', method: 'GET' });
      await res.body.text();
      count++;
    }
  };
  setTimeout(() => (stop = true), seconds * 1000);
  const started = performance.now();
  await Promise.all(Array.from({ length: 10 }, worker));
  return { count, seconds: (performance.now() - started) / 1000 };
}

await drive(2);
const pids = [emulator.pid, ...runtimes()];
const before = new Map(pids.map((pid) => [pid, sample(pid)]));
const { count, seconds } = await drive(SECONDS);
console.log(`${Math.round(count / seconds)} requests/s over ${seconds.toFixed(1)} s`);
for (const pid of pids) {
  const a = before.get(pid);
  let b;
  try {
    b = sample(pid);
  } catch {
    continue; // a surplus environment stopped meanwhile
  }
  const per = (x) => ((x * 1000) / count).toFixed(0);
  console.log(`${pid === emulator.pid ? 'emulator' : `runtime ${pid}`}: ${per(b.total - a.total)} µs/request (user ${per(b.user - a.user)}), ${((b.switches - a.switches) / count).toFixed(2)} context switches/request`);
}
emulator.kill();
await pool.close();
