// Extensions API on the process runner: AWS's public sample extensions (unchanged) as a layer, and faulty extensions.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createEmulator, type FunctionLogChunk } from '../../src/index.js';
import { expectInternalExtension, type InternalAnswer } from '../helpers/internal-extension.js';
import { running } from '../helpers/processes.js';

const TEMPLATE = join(fileURLToPath(new URL('../../fixtures/extensions/', import.meta.url)), 'template.yaml');

async function start(logs: FunctionLogChunk[]) {
  return createEmulator({ template: TEMPLATE, runner: 'process', logLevel: 'silent', lambdaPort: false, requestIds: 'sequential', onFunctionOutput: (c) => logs.push(c) });
}

describe('extensions on the process runner', () => {
  it('runs the Node.js and Python sample extensions through init, two invocations and shutdown, in order', async () => {
    const logs: FunctionLogChunk[] = [];
    const emu = await start(logs);
    const first = await emu.invoke('WithSamples', { n: 1 });
    expect(first.ok).toBe(true);
    expect(first.value).toEqual({ ok: true, event: { n: 1 } });
    const second = await emu.invoke('WithSamples', { n: 2 });
    expect(second.ok).toBe(true);
    expect(second.initDurationMs).toBeUndefined();
    await emu.close();
    const text = logs.map((c) => c.text).join('');
    const lines = text.split('\n');
    const at = (re: RegExp, from = 0) => lines.findIndex((l, i) => i >= from && re.test(l));
    // Init: each extension registers and waits for an event before the function runs.
    const pyRegistered = at(/\[python-example-extension\] Registered with ID: [0-9a-f-]{36}/);
    const nodeRegistered = at(/^extensionId [0-9a-f-]{36}/);
    const firstStart = at(/^START RequestId: /);
    expect(pyRegistered).toBeGreaterThanOrEqual(0);
    expect(nodeRegistered).toBeGreaterThanOrEqual(0);
    expect(pyRegistered).toBeLessThan(firstStart === -1 ? Infinity : lines.length);
    // Invoke: both extensions get INVOKE for each request, with the Extensions API fields.
    const invokes = lines.filter((l) => l.includes('[python-example-extension] Received event:')).map((l) => JSON.parse(l.slice(l.indexOf('{'))) as Record<string, unknown>);
    expect(invokes).toHaveLength(2);
    expect(invokes.map((e) => e.requestId)).toEqual([first.requestId, second.requestId]);
    for (const e of invokes) {
      expect(e).toMatchObject({ eventType: 'INVOKE', invokedFunctionArn: expect.stringContaining(':function:WithSamples'), tracing: { type: 'X-Amzn-Trace-Id', value: expect.stringMatching(/^Root=1-/) } });
      expect(typeof e.deadlineMs).toBe('number');
    }
    expect(lines.filter((l) => l === 'invoke')).toHaveLength(2);
    // Shutdown: both got SHUTDOWN and exited on their own.
    const pyShutdown = at(/\[python-example-extension\] Received SHUTDOWN event\. Exiting\./);
    const nodeShutdown = at(/^shutdown \{/);
    expect(pyShutdown).toBeGreaterThan(at(/Received event:.*INVOKE/));
    expect(nodeShutdown).toBeGreaterThan(0);
    expect(text).toContain("eventType: 'SHUTDOWN'");
    expect(text).toContain("shutdownReason: 'spindown'");
    expect(running('python-example-extension/extension.py')).toEqual([]);
    expect(running('nodejs-example-extension/index.js')).toEqual([]);
  }, 30_000);

  /** The SHUTDOWN events the Node.js sample extension printed: their reason and deadline. */
  function shutdowns(logs: FunctionLogChunk[]): Array<{ reason: string; deadlineMs: number }> {
    const text = logs.map((c) => c.text).join('');
    return [...text.matchAll(/eventType: 'SHUTDOWN',\s*shutdownReason: '(\w+)',\s*deadlineMs: (\d+)/g)].map((m) => ({ reason: m[1]!, deadlineMs: Number(m[2]) }));
  }

  it.each([
    ['timeout', 'TimesOut', 'Sandbox.Timedout'],
    ['failure', 'Crashes', 'Runtime.ExitError'],
  ])('resets the environment with SHUTDOWN reason %s (deadline 2 s on) after %s, and leaves nothing running', async (reason, fn, errorType) => {
    const logs: FunctionLogChunk[] = [];
    const emu = await start(logs);
    const answeredAt: number[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        const result = await emu.invoke(fn, { i });
        answeredAt.push(Date.now());
        expect(result.ok).toBe(false);
        expect(result.value).toMatchObject({ errorType });
        // Each invocation finds a fresh environment: the reset (SHUTDOWN, then kill) came first.
        expect(result.initDurationMs).toBeGreaterThan(0);
      }
    } finally {
      await emu.close();
    }
    // No spindown at close: the reset environment has nothing left to shut down.
    const seen = shutdowns(logs);
    expect(seen.map((s) => s.reason)).toEqual([reason, reason]);
    seen.forEach((s, i) => {
      expect(s.deadlineMs).toBeGreaterThan(answeredAt[i]! + 1_000);
      expect(s.deadlineMs).toBeLessThanOrEqual(answeredAt[i]! + 2_100);
    });
    expect(logs.map((c) => c.text).join('').split('[python-example-extension] Received SHUTDOWN event. Exiting.')).toHaveLength(3);
    expect(running('python-example-extension/extension.py')).toEqual([]);
    expect(running('nodejs-example-extension/index.js')).toEqual([]);
  }, 30_000);

  it('fails the init with Extension.Crash when an extension dies at init, and nothing is left running', async () => {
    const logs: FunctionLogChunk[] = [];
    await using emu = await start(logs);
    const result = await emu.invoke('Crash', {});
    expect(result.ok).toBe(false);
    expect(result.value).toMatchObject({ errorType: 'Extension.Crash', errorMessage: expect.stringContaining('Extension crasher exited during init: exit status 3') });
    expect(logs.map((c) => c.text).join('')).toContain('crasher starting');
    const again = await emu.invoke('Crash', {});
    expect(again.value).toMatchObject({ errorType: 'Extension.Crash' });
    expect((await emu.invoke('Plain', { p: 1 })).value).toEqual({ ok: true, event: { p: 1 } });
  }, 30_000);

  it('times out the init of an extension that never calls /event/next, kills it, and the function next works', async () => {
    await using emu = await start([]);
    const result = await emu.invoke('Silent', {});
    expect(result.ok).toBe(false);
    expect(result.value).toMatchObject({ errorType: 'Sandbox.Timedout' });
    expect(running('faults/silent/extensions/silent')).toEqual([]);
  }, 30_000);

  it('resets the environment with SHUTDOWN reason failure when an extension dies during the Invoke phase, without waiting for the timeout', async () => {
    const logs: FunctionLogChunk[] = [];
    const emu = await start(logs);
    try {
      expect((await emu.invoke('DiesOnInvoke', { n: 1 })).value).toEqual({ ok: true, event: { n: 1 } });
      const t0 = Date.now();
      // The runtime answers; the dying extension is never back at /event/next. The caller has the answer and the
      // environment is reset at once (the function's Timeout is 30 s).
      const second = await emu.invoke('DiesOnInvoke', { n: 2 });
      expect(second.value).toEqual({ ok: true, event: { n: 2 } });
      const third = await emu.invoke('DiesOnInvoke', { n: 3 });
      expect(Date.now() - t0).toBeLessThan(15_000);
      expect(third.value).toEqual({ ok: true, event: { n: 3 } });
      expect(third.initDurationMs).toBeGreaterThan(0);
      expect(shutdowns(logs).map((s) => s.reason)).toEqual(['failure']);
    } finally {
      await emu.close();
    }
    const text = logs.map((c) => c.text).join('');
    expect(text).toContain('dies exiting');
    // The fresh environment's extensions got SHUTDOWN spindown at close.
    expect(shutdowns(logs).map((s) => s.reason)).toEqual(['failure', 'spindown']);
    expect(running('faults/dies/extensions/dies')).toEqual([]);
    expect(running('python-example-extension/extension.py')).toEqual([]);
  }, 60_000);

  it('kills an extension that does not finish within 2 s of SHUTDOWN', async () => {
    const logs: FunctionLogChunk[] = [];
    const emu = await start(logs);
    expect((await emu.invoke('Slow', {})).ok).toBe(true);
    const t0 = Date.now();
    await emu.close();
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(1900);
    expect(took).toBeLessThan(15_000);
    const text = logs.map((c) => c.text).join('');
    expect(text).toContain('slow got INVOKE');
    expect(text).toContain('slow got SHUTDOWN');
    expect(running('faults/slow/extensions/slow')).toEqual([]);
  }, 30_000);

  it('serves an internal extension registered from inside the runtime process: INVOKE only, each one before the environment is used again', async () => {
    await using emu = await start([]);
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push((await emu.invoke('Internal', { i })).value as InternalAnswer);
    expectInternalExtension(answers);
  }, 30_000);

  it('runs the runtime through AWS_LAMBDA_EXEC_WRAPPER', async () => {
    await using emu = await start([]);
    expect((await emu.invoke('Wrapped', {})).value).toEqual({ wrapped: 'wrapper.sh' });
    expect((await emu.invoke('Plain', {})).value).toEqual({ ok: true, event: {} });
  }, 30_000);

  it('serves an extension that keeps one connection alive over many invocations without piling up listeners', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      await using emu = await start([]);
      for (let i = 0; i < 25; i++) expect((await emu.invoke('WithIdleKeepAlive', { i })).value).toEqual({ ok: true, event: { i } });
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.map((w) => w.message)).toEqual([]);
  }, 30_000);
});
