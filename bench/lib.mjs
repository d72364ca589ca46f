// Benchmark helpers: sequential latency runs over one keep-alive connection, percentiles, process start-up.
import { spawn } from 'node:child_process';
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
