// The environment pool with real environments and runtime processes: reuse, fan-out, limits, reaping, replacement.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fileURLToPath } from 'node:url';
import { createEnvironment } from '../../runtime-api/environment.js';
import { isEmulatorError } from '../../src/core/errors.js';
import type { InvokeResult } from '../../src/core/invoke.js';
import { silentLogger } from '../../src/core/logger.js';
import { EnvironmentPool, type PoolOptions } from '../../src/pool/pool.js';
import { spawnRuntime } from '../../src/runners/process/spawn.js';

const RUNTIME = fileURLToPath(new URL('../../fixtures/rie/scripted-runtime.mjs', import.meta.url));
const pools: EnvironmentPool[] = [];

function pool(options: Partial<PoolOptions> = {}, timeoutMs = 2000): EnvironmentPool {
  let n = 0;
  const p = new EnvironmentPool({
    functionName: 'fn',
    maxConcurrency: 4,
    overflow: 'queue',
    logger: silentLogger(),
    createEnvironment: () =>
      createEnvironment({
        id: `env-${++n}`,
        functionName: 'fn',
        functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:fn',
        version: '$LATEST',
        timeoutMs,
        memorySizeMb: 128,
        logger: silentLogger(),
        output: () => {},
        launch: (ctx) =>
          spawnRuntime({ command: RUNTIME, args: [], cwd: '/', env: { PATH: process.env.PATH ?? '', AWS_LAMBDA_RUNTIME_API: ctx.runtimeApi }, onOutput: ctx.onOutput }),
      }),
    ...options,
  });
  pools.push(p);
  return p;
}

const event = (value: unknown) => ({ payload: Buffer.from(JSON.stringify(value)) });
const body = (result: InvokeResult) => JSON.parse(result.payload.toString()) as Record<string, number>;
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

describe('EnvironmentPool', () => {
  it('reuses one warm environment for sequential invocations', async () => {
    const p = pool();
    const first = await p.invoke(event({ action: 'echo' }));
    const second = await p.invoke(event({ action: 'echo' }));
    expect(body(first).pid).toBe(body(second).pid);
    expect(first.initDurationMs).toBeGreaterThan(0);
    expect(second.initDurationMs).toBeUndefined();
    expect(p.size).toBe(1);
  });

  it('fans parallel invocations out to separate environments that run at the same time', async () => {
    const p = pool();
    // Long enough that three cold starts on a loaded 2-core machine still overlap (one full-suite run saw 311 ms between starts).
    const results = (await Promise.all([1, 2, 3].map(() => p.invoke(event({ action: 'sleep', ms: 1500 }))))).map(body);
    expect(new Set(results.map((r) => r.pid)).size).toBe(3);
    // Every invocation started before any of them ended: they overlapped.
    expect(Math.max(...results.map((r) => r.start!))).toBeLessThan(Math.min(...results.map((r) => r.end!)));
    expect(p.size).toBe(3);
  });

  it('waits briefly for a busy environment before scaling out (scaleOutDelayMs)', async () => {
    const p = pool({ scaleOutDelayMs: 300 });
    await p.invoke(event({ action: 'echo' }));
    // The busy environment frees up within the delay: the second invocation reuses it.
    const [quickA, quickB] = (await Promise.all([p.invoke(event({ action: 'sleep', ms: 50 })), p.invoke(event({ action: 'sleep', ms: 50 }))])).map(body);
    expect(quickA!.pid).toBe(quickB!.pid);
    expect(p.size).toBe(1);
    // It does not: after the delay a second environment starts.
    const [slowA, slowB] = (await Promise.all([p.invoke(event({ action: 'sleep', ms: 1000 })), p.invoke(event({ action: 'sleep', ms: 1000 }))])).map(body);
    expect(slowA!.pid).not.toBe(slowB!.pid);
    expect(p.size).toBe(2);
  });

  it('runs a fast function on no more environments than cores, stopping the surplus a cold burst created', async () => {
    const p = pool({ scaleOutDelayMs: 10, cpuCount: 2, maxConcurrency: 6 });
    let running = true;
    const client = async () => {
      while (running) await p.invoke(event({ action: 'echo' }));
    };
    const clients = Promise.all([1, 2, 3, 4, 5, 6].map(() => client()));
    try {
      // Under steady load the surplus goes, one environment at a time after a cool-down.
      await vi.waitFor(() => expect(p.size).toBeLessThanOrEqual(2), { timeout: 15_000, interval: 100 });
    } finally {
      running = false;
      await clients;
    }
  });

  it('keeps a slow function fanned out when some of its invocations are fast (a cache hit, a validation error)', async () => {
    const p = pool({ scaleOutDelayMs: 10, cpuCount: 1, maxConcurrency: 4 });
    const client = async () => {
      const pids: number[] = [];
      // Past the 2 s cool-down, where a pool that took the fast answers for the function's speed would shrink.
      for (let round = 0; round < 4; round++) {
        for (let i = 0; i < 4; i++) pids.push(body(await p.invoke(event({ action: 'sleep', ms: 200 }))).pid!);
        await p.invoke(event({ action: 'echo' }));
      }
      return pids;
    };
    const pids = await Promise.all([1, 2, 3, 4].map(() => client()));
    // In the last round the four clients' slow invocations still ran in four environments.
    expect(new Set(pids.map((list) => list.at(-1))).size).toBe(4);
    expect(p.size).toBe(4);
  }, 20_000);

  it('fans a slow function out to the whole limit, whatever the cores', async () => {
    const p = pool({ scaleOutDelayMs: 10, cpuCount: 1, maxConcurrency: 4 });
    const results = (await Promise.all([1, 2, 3, 4].map(() => p.invoke(event({ action: 'sleep', ms: 300 }))))).map(body);
    expect(new Set(results.map((r) => r.pid)).size).toBe(4);
  });

  it('answers a throttle as a value beyond the limit when told to: TooManyRequestsException, nothing run', async () => {
    const p = pool({ maxConcurrency: 2, overflow: 'throttle' });
    const results = await Promise.all([1, 2, 3].map((n) => p.invoke({ ...event({ action: 'sleep', ms: 300 }), requestId: `req-${n}` })));
    const throttled = results.filter((r) => !r.ok);
    expect(throttled).toHaveLength(1);
    expect(throttled[0]).toMatchObject({
      ok: false,
      kind: 'throttled',
      reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
      error: { errorType: 'TooManyRequestsException', errorMessage: 'Rate Exceeded.' },
      log: '',
      durationMs: 0,
    });
    expect(JSON.parse(throttled[0]!.payload.toString())).toEqual({ errorType: 'TooManyRequestsException', errorMessage: 'Rate Exceeded.' });
    expect(['req-1', 'req-2', 'req-3']).toContain(throttled[0]!.requestId);
    expect(p.size).toBe(2);
  });

  it('queues beyond the limit, then throttles what waited longer than the queue timeout', async () => {
    const p = pool({ maxConcurrency: 1, overflow: 'queue', queueTimeoutMs: 150 });
    const slow = p.invoke(event({ action: 'sleep', ms: 600 }));
    await vi.waitFor(() => expect(p.size).toBe(1));
    const waited = await p.invoke(event({ action: 'echo' }));
    expect(!waited.ok && waited.kind).toBe('throttled');
    expect((await slow).ok).toBe(true);

    const queued = await Promise.all([p.invoke(event({ action: 'sleep', ms: 50 })), p.invoke(event({ action: 'sleep', ms: 50 }))]);
    expect(queued.every((r) => r.ok)).toBe(true);
  });

  it('reaps idle environments and their runtime processes after the idle timeout', async () => {
    const p = pool({ idleTimeoutMs: 100 });
    const pid = body(await p.invoke(event({ action: 'echo' }))).pid!;
    expect(alive(pid)).toBe(true);
    await vi.waitFor(() => expect(p.size).toBe(0), { timeout: 3000 });
    await vi.waitFor(() => expect(alive(pid)).toBe(false), { timeout: 3000 });
  });

  it.each([
    ['a crash', { action: 'exit', code: 2 }, 'exit'],
    ['a timeout', { action: 'sleep', ms: 5000 }, 'timeout'],
  ])('replaces the runtime after %s; the next invocation reports a fresh Init Duration', async (_label, bad, kind) => {
    const p = pool({}, 500);
    const before = body(await p.invoke(event({ action: 'echo' }))).pid!;
    const failed = await p.invoke(event(bad));
    expect(failed.ok).toBe(false);
    expect(!failed.ok && failed.kind).toBe(kind);
    await vi.waitFor(() => expect(alive(before)).toBe(false));
    const next = await p.invoke(event({ action: 'echo' }));
    expect(body(next).pid).not.toBe(before);
    expect(next.initDurationMs).toBeGreaterThan(0);
  });

  it('retires every environment so the next invocation starts fresh (--watch)', async () => {
    const p = pool();
    const before = body(await p.invoke(event({ action: 'echo' }))).pid!;
    p.retire();
    const after = await p.invoke(event({ action: 'echo' }));
    expect(body(after).pid).not.toBe(before);
    expect(after.initDurationMs).toBeGreaterThan(0);
    await vi.waitFor(() => expect(alive(before)).toBe(false));
  });

  it('retires a busy environment when its invocation ends', async () => {
    const p = pool({ maxConcurrency: 1 });
    const running = p.invoke(event({ action: 'sleep', ms: 200 }));
    await vi.waitFor(() => expect(p.size).toBe(1));
    p.retire();
    const before = body(await running).pid!;
    const after = await p.invoke(event({ action: 'echo' }));
    expect(body(after).pid).not.toBe(before);
  });

  it('starts and initialises an environment ahead of the first invocation (EAGER)', async () => {
    const p = pool();
    await p.warm(1);
    expect(p.size).toBe(1);
    expect(p.idleCount).toBe(1);
    const result = await p.invoke(event({ action: 'echo' }));
    expect(result.ok).toBe(true);
    expect(result.initDurationMs).toBeUndefined();
  });

  it('closes every environment and refuses later invocations', async () => {
    const p = pool();
    const pid = body(await p.invoke(event({ action: 'echo' }))).pid!;
    await p.close();
    expect(alive(pid)).toBe(false);
    const err = await p.invoke(event({})).catch((e: unknown) => e);
    expect(isEmulatorError(err) && err.code).toBe('EMU_POOL_CLOSED');
  });
});
