// Soak on Docker: 2,000 requests at 10 connections through `emulate start-api --runner docker`, no failure, no container left after it stops.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABELS } from '../../src/runners/docker/labels.js';
import { docker, dockerAvailable, prepareStandIn, SETUP_TIMEOUT_MS } from '../docker/helpers.js';
import { startCli, type RunningCli } from '../helpers/cli.js';
import { mb, memoryOf, procAvailable } from '../security/helpers.js';
import { load } from './load.js';

const TOTAL = 2_000;
const WARM_UP = 200;
const CONNECTIONS = 10;

describe.skipIf(!dockerAvailable)('start-api soak, Docker runner', () => {
  let cli: RunningCli | undefined;
  beforeAll(() => prepareStandIn(), SETUP_TIMEOUT_MS);
  afterAll(() => cli?.stop());

  /** Containers the emulator process `pid` started (its label), running or not. */
  const containersOf = (pid: number) => docker.listContainers({ all: true, filters: { label: [`${LABELS.pid}=${pid}`] } });

  it(`answers ${TOTAL} requests at ${CONNECTIONS} connections without an error and removes every container when it stops`, async () => {
    cli = await startCli(['start-api', '-t', 'fixtures/bench/template.yaml', '--runner', 'docker', '-p', '0', '--log-level', 'warn']);
    const pid = cli.child.pid!;
    const url = `${cli.url}/`;
    const expectBody = '{"ok":true}';
    const started = performance.now();

    const warm = await load(url, { requests: WARM_UP, connections: CONNECTIONS, expectBody });
    const before = procAvailable ? memoryOf(pid) : undefined;
    const main = await load(url, { requests: TOTAL - WARM_UP, connections: CONNECTIONS, expectBody });
    const after = procAvailable ? memoryOf(pid) : undefined;
    const seconds = (performance.now() - started) / 1000;
    const running = await containersOf(pid);

    const code = await cli.stop();
    cli = undefined;
    const left = await containersOf(pid);
    console.log([
      `start-api soak (Docker runner): ${warm.requests + main.requests} requests at ${CONNECTIONS} connections in ${seconds.toFixed(1)} s`,
      `  (${Math.round(main.requests / (main.durationMs / 1000))} requests/s after warm-up); ${running.length} containers while serving, ${left.length} after stopping`,
      `  errors: ${warm.errors + main.errors} ${JSON.stringify({ ...warm.failures, ...main.failures })}`,
      ...(before && after ? [`  RSS after ${WARM_UP}-request warm-up: ${mb(before.rssKb)} MB; at the end: ${mb(after.rssKb)} MB; peak ${mb(after.peakKb)} MB`] : []),
    ].join('\n'));

    expect(warm.failures).toEqual({});
    expect(main.failures).toEqual({});
    expect(warm.ok + main.ok).toBe(TOTAL);
    expect(running.length).toBeGreaterThan(0);
    expect(code).toBe(0);
    expect(left).toEqual([]);
  }, 90_000);
});
