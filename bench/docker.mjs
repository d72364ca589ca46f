// Benchmark of the Docker runner: cold start (request → first answer, container created) and warm invocations,
// through createEmulator with the AWS base image (here the local stand-in the tests build).
// BENCH_COLD, BENCH_COUNT set the runs; BENCH_BURNER=1 runs a CPU burner beside the warm invocations.
import { fileURLToPath } from 'node:url';
import { createEmulator } from '../dist/src/index.js';
import { createDockerClient, isDockerAvailable } from '../dist/src/runners/docker/index.js';
import { ensureLambdaStandIn } from '../fixtures/docker/stand-in/build.mjs';
import { loadavg } from 'node:os';
import { fmt, percentile, startBurner } from './lib.mjs';

const TEMPLATE = fileURLToPath(new URL('../fixtures/bench/template.yaml', import.meta.url));
const COLD_RUNS = Number(process.env.BENCH_COLD ?? 10);
const WARM = Number(process.env.BENCH_COUNT ?? 1000);

export async function benchDocker() {
  const docker = createDockerClient();
  if (!(await isDockerAvailable(docker))) {
    return { title: 'Docker runner', header: ['setup', 'result'], rows: [['Docker runner', 'skipped: no Docker daemon answers']], notes: [] };
  }
  await ensureLambdaStandIn({ docker });
  const options = { template: TEMPLATE, runner: 'docker', skipPullImage: true, logLevel: 'silent', port: false, lambdaPort: false };
  const cold = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    const emu = await createEmulator(options);
    const t0 = performance.now();
    const r = await emu.invoke('Trivial', {});
    cold.push(performance.now() - t0);
    if (!r.ok) throw new Error(`cold invocation failed: ${r.payload}`);
    await emu.close();
  }
  const load = loadavg().map((l) => l.toFixed(2)).join(' ');
  // BENCH_BURNER=1: a CPU burner pinned to one core during the warm invocations (issue 22's contention check).
  const burner = process.env.BENCH_BURNER === '1' ? startBurner() : undefined;
  const emu = await createEmulator(options);
  await emu.invoke('Trivial', {});
  const warm = [];
  for (let i = 0; i < 100; i++) await emu.invoke('Trivial', {});
  for (let i = 0; i < WARM; i++) {
    const t0 = performance.now();
    await emu.invoke('Trivial', {});
    warm.push(performance.now() - t0);
  }
  await emu.close();
  burner?.stop();
  cold.sort((a, b) => a - b);
  warm.sort((a, b) => a - b);
  return {
    title: `Docker runner: cold start over ${COLD_RUNS} fresh emulators, ${WARM} sequential warm invocations (trivial Node handler, stand-in nodejs:20 image)`,
    header: ['measure', 'p50 ms', 'p99 ms'],
    rows: [
      ['cold: request → first answer (container created and started)', fmt(percentile(cold, 50), 1), fmt(percentile(cold, 99), 1)],
      ['warm invocation', fmt(percentile(warm, 50)), fmt(percentile(warm, 99))],
    ],
    notes: [
      `load average at the start of the warm run: ${load}${burner ? `; a CPU burner ${burner.pinned ? 'pinned to core 0' : 'unpinned'} ran beside the warm invocations` : ''}`,
      'targets: cold under 500 ms with a local image; warm p50 under 1 ms (issue 22)',
    ],
  };
}
