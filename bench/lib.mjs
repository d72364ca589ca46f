// Benchmark helpers: sequential latency runs over one keep-alive connection, percentiles, process start-up.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { Client } from 'undici';

export const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** Sends `count` requests one after another (after `warmup`), returns latencies in ms and requests per second. */
export async function sequential(origin, { path, method = 'POST', body = '{}', count, warmup = 100 }) {
  const client = new Client(origin, { pipelining: 1 });
  const once = async () => {
    const res = await client.request({ path, method, body });
    await res.body.arrayBuffer();
    if (res.statusCode >= 300) throw new Error(`${method} ${path} answered ${res.statusCode}`);
  };
  for (let i = 0; i < warmup; i++) await once();
  const times = [];
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await once();
    times.push(performance.now() - t0);
  }
  const totalMs = performance.now() - started;
  await client.close();
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), perSecond: (count / totalMs) * 1000 };
}

/** Starts a command and resolves when its stdout or stderr matches `ready`; returns the match and a stop(). */
export function startProcess(command, args, { env, cwd, ready }) {
  const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk) => {
      text += chunk.toString();
      const match = ready.exec(text);
      if (match) {
        child.stdout.off('data', onData);
        child.stderr.off('data', onData);
        child.stdout.resume();
        child.stderr.resume();
        resolve({
          match,
          pid: child.pid,
          stop: () =>
            new Promise((done) => {
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${command} exited with ${code} before it was ready:\n${text}`)));
  });
}

export const fmt = (n, digits = 3) => n.toFixed(digits);

/** CPU seconds a process has used, in user mode and in all, from /proc; undefined where there is no /proc or it is gone. */
export function cpuTimes(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return { user: Number(fields[11]) / 100, total: (Number(fields[11]) + Number(fields[12])) / 100 };
  } catch {
    return undefined;
  }
}

/** CPU seconds (user + system) a process has used; undefined where there is no /proc or it is gone. */
const cpuSeconds = (pid) => cpuTimes(pid)?.total;

/** CPU seconds of a process's children that have exited and been waited for (cutime + cstime), from /proc. */
function reapedSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return 0;
  }
}

function childPids(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * Measures the CPU time a process and its children (sampled every 250 ms, so short-lived ones are
 * counted up to their last sample) use while `work` runs. Linux only; undefined elsewhere.
 */
export async function measureCpu(pid, work) {
  const own0 = cpuSeconds(pid);
  const first = new Map();
  const last = new Map();
  const sample = () => {
    for (const child of childPids(pid)) {
      const cpu = cpuSeconds(child);
      if (cpu === undefined) continue;
      if (!first.has(child)) first.set(child, cpu);
      last.set(child, cpu);
    }
  };
  sample();
  const timer = setInterval(sample, 250);
  try {
    const result = await work();
    sample();
    const own1 = cpuSeconds(pid);
    if (own0 === undefined || own1 === undefined) return { result };
    let children = 0;
    for (const [child, start] of first) children += last.get(child) - start;
    return { result, cpu: { self: own1 - own0, children } };
  } finally {
    clearInterval(timer);
  }
}

/** Context switches (voluntary, involuntary) of a process and its threads, from /proc; undefined where unreadable. */
export function switches(pid) {
  try {
    let voluntary = 0;
    let involuntary = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const status = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
      voluntary += Number(/voluntary_ctxt_switches:\s+(\d+)/.exec(status)?.[1] ?? 0);
      involuntary += Number(/nonvoluntary_ctxt_switches:\s+(\d+)/.exec(status)?.[1] ?? 0);
    }
    return { voluntary, involuntary };
  } catch {
    return undefined;
  }
}

/** A process tree's pids: `pid` and every descendant alive now. */
export function treePids(pid) {
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...childPids(all[i]));
  return all;
}

/**
 * CPU seconds and context switches a process tree uses while `work` runs (descendants sampled
 * before and after; a long-lived pool of runtimes is what this is for). Linux only.
 */
export async function measureTree(pid, work) {
  const before = new Map(treePids(pid).map((p) => [p, { cpu: cpuSeconds(p), sw: switches(p) }]));
  const reaped0 = reapedSeconds(pid);
  const result = await work();
  // Children that exited and were reaped meanwhile (a pool replacing runtimes) count through the root's cutime/cstime.
  let cpu = reapedSeconds(pid) - reaped0;
  let voluntary = 0;
  let involuntary = 0;
  for (const p of treePids(pid)) {
    const a = before.get(p) ?? { cpu: 0, sw: { voluntary: 0, involuntary: 0 } };
    const b = { cpu: cpuSeconds(p), sw: switches(p) };
    if (b.cpu === undefined || a.cpu === undefined || !a.sw || !b.sw) continue;
    cpu += b.cpu - a.cpu;
    voluntary += b.sw.voluntary - a.sw.voluntary;
    involuntary += b.sw.involuntary - a.sw.involuntary;
  }
  return { result, cpu, voluntary, involuntary };
}

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** A CPU burner pinned to core 0 (taskset when present), for runs that prove a figure holds under contention. */
export function startBurner() {
  const code = 'for(;;){}';
  const pinned = spawnSync('sh', ['-c', 'command -v taskset'], { encoding: 'utf8' }).status === 0;
  const child = pinned ? spawn('taskset', ['-c', '0', process.execPath, '-e', code], { stdio: 'ignore' }) : spawn(process.execPath, ['-e', code], { stdio: 'ignore' });
  return { pinned, stop: () => child.kill('SIGKILL') };
}
