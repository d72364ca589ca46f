// Where start-api's CPU goes, per process: `emulate start-api --runner process` on the bench template, 10 undici
// connections for BENCH_SECONDS (default 6) after a 2 s warm-up; then the CPU (user and total) and context switches
// of the emulator and of each runtime it started, per request of the whole load, from /proc (bench/lib.mjs).
// Needs `npm run build`. Usage: node bench/micro/cpu-split.mjs
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { cpuTimes, startProcess, switches, treePids } from '../lib.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);

const emulator = await startProcess(
  process.execPath,
  ['dist/src/cli/main.js', 'start-api', '-t', 'fixtures/bench/template.yaml', '--runner', 'process', '-p', '0', '--log-level', 'warn'],
  { env: { PATH: process.env.PATH }, cwd: ROOT, ready: /Listening on (\S+)/ },
);
const pool = new Pool(emulator.match[1], { connections: 10 });

/** The emulator's runtimes: its descendants running emulate's Node client. */
const runtimes = () =>
  treePids(emulator.pid).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('runtime-api/clients/node/main.js');
    } catch {
      return false;
    }
  });

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
const before = new Map(pids.map((pid) => [pid, { cpu: cpuTimes(pid), sw: switches(pid) }]));
const { count, seconds } = await drive(SECONDS);
console.log(`${Math.round(count / seconds)} requests/s over ${seconds.toFixed(1)} s`);
for (const pid of pids) {
  const a = before.get(pid);
  const b = { cpu: cpuTimes(pid), sw: switches(pid) };
  if (!a.cpu || !b.cpu || !a.sw || !b.sw) continue; // a surplus environment stopped meanwhile
  const perRequest = (s) => ((s * 1e6) / count).toFixed(0);
  const switched = b.sw.voluntary + b.sw.involuntary - a.sw.voluntary - a.sw.involuntary;
  console.log(`${pid === emulator.pid ? 'emulator' : `runtime ${pid}`}: ${perRequest(b.cpu.total - a.cpu.total)} µs/request (user ${perRequest(b.cpu.user - a.cpu.user)}), ${(switched / count).toFixed(2)} context switches/request`);
}
await emulator.stop();
await pool.close();
