// Soak: 20,000 requests at 20 connections through `emulate start-api --runner process`, no failure and flat resident memory.
import { afterAll, describe, expect, it } from 'vitest';
import { startCli, type RunningCli } from '../helpers/cli.js';
import { mb, memoryOf, procAvailable } from '../security/helpers.js';
import { load } from './load.js';

const TOTAL = 20_000;
const WARM_UP = 2_000;
const CONNECTIONS = 20;
const SAMPLE_EVERY = 3_000;
/**
 * Allowed growth of the emulator's resident memory between the end of the warm-up and the end.
 * After 2,000 requests every environment exists (they are separate processes, not counted here),
 * the JIT has compiled the hot path and the heap has reached its working size. What may still grow
 * legitimately: the function-log ring (`emu.logs`, up to 20,000 chunks of about 100 bytes, ~2 to 4 MB
 * with string overhead), V8's young generation and old-space headroom moving with collection timing
 * (measured swings of a few MB) and allocator fragmentation. 30 MB covers those several times over,
 * while a leak of 2 KB per request (a retained event, buffer or closure) would add 36 MB over the
 * 18,000 measured requests and fail.
 */
const RSS_GROWTH_BOUND_MB = 30;

describe.skipIf(!procAvailable)('start-api soak, process runner', () => {
  let cli: RunningCli | undefined;
  afterAll(() => cli?.stop());

  it(`answers ${TOTAL} requests at ${CONNECTIONS} connections without an error, with flat memory`, async () => {
    cli = await startCli(['start-api', '-t', 'fixtures/bench/template.yaml', '--runner', 'process', '-p', '0', '--log-level', 'warn']);
    const pid = cli.child.pid!;
    const url = `${cli.url}/`;
    const expectBody = '{"ok":true}';
    const started = performance.now();

    const warm = await load(url, { requests: WARM_UP, connections: CONNECTIONS, expectBody });
    const before = memoryOf(pid);
    const samples: string[] = [`${WARM_UP}: ${mb(before.rssKb)}`];
    const main = await load(url, {
      requests: TOTAL - WARM_UP,
      connections: CONNECTIONS,
      expectBody,
      every: SAMPLE_EVERY,
      onProgress: (done) => samples.push(`${WARM_UP + done}: ${mb(memoryOf(pid).rssKb)}`),
    });
    const after = memoryOf(pid);
    const seconds = (performance.now() - started) / 1000;
    const growthMb = (after.rssKb - before.rssKb) / 1024;

    console.log([
      `start-api soak (process runner): ${warm.requests + main.requests} requests at ${CONNECTIONS} connections in ${seconds.toFixed(1)} s`,
      `  (${Math.round(main.requests / (main.durationMs / 1000))} requests/s after warm-up)`,
      `  errors: ${warm.errors + main.errors} ${JSON.stringify({ ...warm.failures, ...main.failures })}`,
      `  RSS after ${WARM_UP}-request warm-up: ${mb(before.rssKb)} MB; at the end: ${mb(after.rssKb)} MB; growth ${growthMb.toFixed(1)} MB (bound ${RSS_GROWTH_BOUND_MB} MB); peak ${mb(after.peakKb)} MB`,
      `  RSS samples (requests: MB): ${samples.join(', ')}`,
    ].join('\n'));

    expect(warm.failures).toEqual({});
    expect(main.failures).toEqual({});
    expect(warm.ok + main.ok).toBe(TOTAL);
    expect(growthMb).toBeLessThan(RSS_GROWTH_BOUND_MB);
  }, 90_000);
});
