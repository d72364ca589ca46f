// Extensions on the Docker runner: AWS's Node.js sample extension (unchanged) built into an image, a layer's extension through init, two invocations and shutdown, a crashed runtime's extension getting SHUTDOWN failure; faulty extensions.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEmulator, type FunctionLogChunk } from '../../src/index.js';
import { startCli } from '../helpers/cli.js';
import { EMULATOR_INSTANCE, LABELS } from '../../src/runners/docker/labels.js';
import { docker, dockerAvailable, prepareStandIn, SETUP_TIMEOUT_MS } from '../docker/helpers.js';
import { expectInternalExtension, type InternalAnswer } from '../helpers/internal-extension.js';
import { telemetrySchema } from '../helpers/telemetry.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/extensions/', import.meta.url));
const TEMPLATE = join(FIXTURES, 'docker', 'template.yaml');
const SAMPLES_IMAGE = 'emulate-test/extension-samples:20';
const SAMPLES_CMD_IMAGE = 'emulate-test/extension-samples-cmd:20';

/**
 * AWS's Node.js sample (unchanged) built into an image at /opt, as an image ships extensions: the extensions are read
 * from the image, not from layers (samples.docker.test.ts runs the samples as layers). The stand-in has the bash,
 * env and basename the sample's launcher needs, as the real base image has.
 */
function buildSamplesImage(): void {
  const ctx = mkdtempSync(join(tmpdir(), 'emulate-ext-image-'));
  try {
    mkdirSync(join(ctx, 'opt', 'extensions'), { recursive: true });
    cpSync(join(FIXTURES, 'layer', 'extensions', 'nodejs-example-extension'), join(ctx, 'opt', 'extensions', 'nodejs-example-extension'));
    cpSync(join(FIXTURES, 'layer', 'nodejs-example-extension'), join(ctx, 'opt', 'nodejs-example-extension'), { recursive: true });
    cpSync(join(FIXTURES, 'docker', 'fn'), join(ctx, 'fn'), { recursive: true });
    writeFileSync(join(ctx, 'Dockerfile'), ['FROM public.ecr.aws/lambda/nodejs:20', 'COPY opt/ /opt/', 'COPY fn/ /var/task/', 'CMD ["index.handler"]', ''].join('\n'));
    execFileSync('chmod', ['-R', 'a+rX', ctx]);
    execFileSync('docker', ['build', '-q', '--network', 'host', '-t', SAMPLES_IMAGE, ctx], { stdio: ['ignore', 'ignore', 'pipe'] });
    // The same without an ENTRYPOINT, its CMD starting the runtime, as a custom image may do.
    writeFileSync(join(ctx, 'Dockerfile'), [`FROM ${SAMPLES_IMAGE}`, 'ENTRYPOINT []', 'CMD ["/lambda-entrypoint.sh", "init-logged.handler"]', ''].join('\n'));
    execFileSync('docker', ['build', '-q', '--network', 'host', '-t', SAMPLES_CMD_IMAGE, ctx], { stdio: ['ignore', 'ignore', 'pipe'] });
  } finally {
    rmSync(ctx, { recursive: true, force: true });
  }
}

async function ourContainers(): Promise<string[]> {
  const list = await docker.listContainers({ all: true, filters: { label: [LABELS.managed] } });
  // This process's emulators label their containers with its instance id.
  return list.filter((c) => c.Labels[LABELS.instance] === EMULATOR_INSTANCE).map((c) => c.Id);
}

async function start(logs: FunctionLogChunk[]) {
  return createEmulator({ template: TEMPLATE, runner: 'docker', logLevel: 'silent', lambdaPort: false, requestIds: 'sequential', onFunctionOutput: (c) => logs.push(c) });
}

const text = (logs: FunctionLogChunk[]) => logs.map((c) => c.text).join('');

/** The function's log lines, a finder (from a line on), and where AWS's Node.js sample logged its launch and its registration. */
function sampleStart(logs: FunctionLogChunk[]) {
  const lines = text(logs).split('\n');
  const at = (re: RegExp, from = 0) => lines.findIndex((l, i) => i >= from && re.test(l));
  return { lines, at, launched: at(/^nodejs-example-extension {2}launching extension/), registered: at(/^extensionId [0-9a-f-]{36}/) };
}

interface LoggedEvent {
  eventType: string;
  requestId?: string;
  shutdownReason?: string;
  deadlineMs: number;
  [field: string]: unknown;
}

/** The Extensions API events the layer's `events` extension logged (`[events] {...}`), in order. */
const loggedEvents = (all: string) => [...all.matchAll(/\[events\] (\{.*\})/g)].map((m) => JSON.parse(m[1]!) as LoggedEvent);

describe.skipIf(!dockerAvailable)('extensions on the Docker runner', () => {
  beforeAll(async () => {
    await prepareStandIn();
    buildSamplesImage();
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    expect(await ourContainers()).toEqual([]);
  });

  it('runs AWS\'s Node.js sample extension built into an image through init, two invocations and shutdown, in order', async () => {
    const logs: FunctionLogChunk[] = [];
    const emu = await start(logs);
    try {
      const first = await emu.invoke('SamplesImage', { n: 1 });
      expect(first.value).toEqual({ ok: true, event: { n: 1 } });
      const second = await emu.invoke('SamplesImage', { n: 2 });
      expect(second.value).toEqual({ ok: true, event: { n: 2 } });
    } finally {
      await emu.close();
    }
    const { lines, at, launched, registered } = sampleStart(logs);
    // Init: the extension was started from the image's /opt/extensions, registered, and only then did the function run.
    const functionRan = at(/^.*function got \{"n":1\}/);
    expect(launched).toBeGreaterThanOrEqual(0);
    expect(registered).toBeGreaterThan(launched);
    expect(functionRan).toBeGreaterThan(registered);
    // Invoke: the sample prints "invoke" and the event for each request, in request order.
    const invokes = lines.flatMap((l, i) => (l === 'invoke' ? [i] : []));
    expect(invokes).toHaveLength(2);
    expect(invokes[0]).toBeGreaterThan(registered);
    // Shutdown: SHUTDOWN with reason spindown, after both invocations, and the sample exited on its own.
    const shutdown = at(/^shutdown \{/);
    expect(shutdown).toBeGreaterThan(invokes[1]!);
    expect(text(logs)).toContain("shutdownReason: 'spindown'");
    expect(await ourContainers()).toEqual([]);
  }, 60_000);

  it('starts an image\'s extension before its runtime when the image has no ENTRYPOINT and its CMD starts the runtime', async () => {
    const logs: FunctionLogChunk[] = [];
    const emu = await start(logs);
    try {
      expect((await emu.invoke('SamplesImageCmd', { n: 1 })).value).toEqual({ ok: true, event: { n: 1 } });
    } finally {
      await emu.close();
    }
    const { at, launched, registered } = sampleStart(logs);
    // The runtime (and so the function's module) is held back until the extension has registered, as Lambda starts them.
    const loaded = at(/function module loaded/);
    expect(launched).toBeGreaterThanOrEqual(0);
    expect(registered).toBeGreaterThan(launched);
    expect(loaded).toBeGreaterThan(registered);
    expect(text(logs)).toContain("shutdownReason: 'spindown'");
  }, 60_000);

  it('serves an internal extension registered from inside the real RIC\'s process: INVOKE only, each one before the environment is used again', async () => {
    await using emu = await start([]);
    const answers = [];
    for (let i = 0; i < 3; i++) {
      const result = await emu.invoke('Internal', { i });
      expect(result.ok).toBe(true);
      answers.push(result.value as InternalAnswer);
    }
    expectInternalExtension(answers);
  }, 60_000);

  it('answers the caller before a layer\'s extension is done, and reuses the environment only once it is back at /event/next', async () => {
    const logs: FunctionLogChunk[] = [];
    const emu = await start(logs);
    let first, second;
    try {
      first = await emu.invoke('WithEvents', { n: 1 });
      expect(first.value).toEqual({ ok: true, event: { n: 1 } });
      // The extension works 300 ms after each INVOKE: the answer does not wait for it, REPORT does.
      expect(first.log).not.toContain('REPORT RequestId');
      // Once the extension is back at /event/next (well within 1.5 s), the same environment takes the next one.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      second = await emu.invoke('WithEvents', { n: 2 });
      expect(second.value).toEqual({ ok: true, event: { n: 2 } });
      expect(second.initDurationMs).toBeUndefined();
    } finally {
      await emu.close();
    }
    const all = text(logs);
    const events = loggedEvents(all);
    expect(events.map((e) => e.eventType)).toEqual(['INVOKE', 'INVOKE', 'SHUTDOWN']);
    expect(events.slice(0, 2).map((e) => e.requestId)).toEqual([first.requestId, second.requestId]);
    expect(events[0]).toMatchObject({ invokedFunctionArn: expect.stringContaining(':function:WithEvents'), tracing: { type: 'X-Amzn-Trace-Id' } });
    expect(all).toMatch(/\[events\] registered \{"functionName":"[^"]*WithEvents[^"]*","functionVersion":"\$LATEST","handler":"index.handler"\}/);
    // The second START comes after the first REPORT, whose Duration covers the extension's 300 ms.
    const report = /REPORT RequestId: (\S+)\tDuration: ([\d.]+) ms/g;
    const reports = [...all.matchAll(report)];
    expect(reports.map((m) => m[1])).toEqual([first.requestId, second.requestId]);
    expect(Number(reports[0]![2])).toBeGreaterThanOrEqual(290);
    expect(all.indexOf(`START RequestId: ${second.requestId}`)).toBeGreaterThan(all.indexOf(`REPORT RequestId: ${first.requestId}`));
  }, 60_000);

  it('resets the environment after a function timeout: the runtime is killed, then SHUTDOWN reason timeout, and its container is removed', async () => {
    const logs: FunctionLogChunk[] = [];
    const emu = await start(logs);
    let answeredAt = 0;
    try {
      const result = await emu.invoke('TimesOut', {});
      answeredAt = Date.now();
      expect(result.ok).toBe(false);
      expect(result.value).toMatchObject({ errorType: 'Sandbox.Timedout' });
    } finally {
      await emu.close();
    }
    const shutdowns = loggedEvents(text(logs)).filter((e) => e.eventType === 'SHUTDOWN');
    expect(shutdowns.map((e) => e.shutdownReason)).toEqual(['timeout']);
    // Lambda shuts the runtime down first, then sends SHUTDOWN: the handler's heartbeat has stopped by then.
    expect(text(logs)).toContain('[events] runtime beating at SHUTDOWN: false');
    expect(shutdowns[0]!.deadlineMs).toBeGreaterThan(answeredAt + 1_000);
    // 2 s from SHUTDOWN, which follows the runtime's kill (a `docker exec` in the container) after the answer.
    expect(shutdowns[0]!.deadlineMs).toBeLessThanOrEqual(answeredAt + 3_000);
    expect(await ourContainers()).toEqual([]);
  }, 60_000);

  it('gives the extensions SHUTDOWN reason failure (2 s on) when the runtime crashes, answers as Lambda does, then starts afresh and leaves no container', async () => {
    const logs: FunctionLogChunk[] = [];
    const emu = await start(logs);
    let crashed, after;
    let answeredAt = 0;
    try {
      crashed = await emu.invoke('CrashesWithEvents', { crash: true });
      answeredAt = Date.now();
      expect(crashed.ok).toBe(false);
      expect(crashed.value).toEqual({ errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${crashed.requestId} Error: Runtime exited with error: exit status 7` });
      expect(crashed.log).toContain('crashing now');
      expect(crashed.log).not.toContain('emulate-runtime-exited');
      // The next invocation waits for the reset (SHUTDOWN, then the container killed) and gets a fresh environment.
      after = await emu.invoke('CrashesWithEvents', { n: 2 });
      expect(after.value).toEqual({ ok: true, event: { n: 2 } });
      expect(after.initDurationMs).toBeGreaterThan(0);
    } finally {
      await emu.close();
    }
    const all = text(logs);
    expect(all).not.toContain('emulate-runtime-exited');
    const events = loggedEvents(all);
    expect(events.map((e) => e.eventType)).toEqual(['INVOKE', 'SHUTDOWN', 'INVOKE', 'SHUTDOWN']);
    expect(events[0]!.requestId).toBe(crashed.requestId);
    // The crashed runtime's extension got SHUTDOWN reason failure with Lambda's 2 s, after the caller had its answer.
    expect(events[1]!.shutdownReason).toBe('failure');
    expect(events[1]!.deadlineMs).toBeGreaterThan(answeredAt + 1_000);
    expect(events[1]!.deadlineMs).toBeLessThanOrEqual(answeredAt + 2_100);
    expect(events[2]!.requestId).toBe(after.requestId);
    expect(events[3]!.shutdownReason).toBe('spindown');
    // The error lines and REPORT of the crashed invocation, as without extensions.
    expect(all).toContain(`RequestId: ${crashed.requestId} Error: Runtime exited with error: exit status 7\nRuntime.ExitError\n`);
    expect(all).toMatch(new RegExp(`REPORT RequestId: ${crashed.requestId}\\t`));
    expect(await ourContainers()).toEqual([]);
  }, 60_000);

  it('resets the environment with SHUTDOWN reason failure when an extension dies during the Invoke phase, at once, and leaves no container', async () => {
    const logs: FunctionLogChunk[] = [];
    const emu = await start(logs);
    const answers = [];
    const t0 = Date.now();
    try {
      for (let n = 1; n <= 3; n++) {
        const answer = await emu.invoke('DiesOnInvoke', { n });
        answers.push(answer);
        // The next invocation goes to the same environment once this one's Invoke phase is over (its REPORT); one
        // sent before would get a second environment, as in Lambda (the events extension takes its time on INVOKE).
        await vi.waitFor(() => expect(text(logs)).toContain(`REPORT RequestId: ${answer.requestId}\t`), { timeout: 20_000 });
      }
      // The Timeout is 30 s: the environment was not held until it.
      expect(Date.now() - t0).toBeLessThan(20_000);
    } finally {
      await emu.close();
    }
    expect(answers.map((a) => a.value)).toEqual([1, 2, 3].map((n) => ({ ok: true, event: { n } })));
    // The third invocation found a fresh environment: the second's ended in a reset.
    expect(answers[2]!.initDurationMs).toBeGreaterThan(0);
    expect(text(logs)).toContain('dies exiting');
    const events = loggedEvents(text(logs));
    expect(events.map((e) => e.shutdownReason ?? e.requestId)).toEqual([answers[0]!.requestId, answers[1]!.requestId, 'failure', answers[2]!.requestId, 'spindown']);
    expect(await ourContainers()).toEqual([]);
  }, 60_000);

  it('fails the init with Extension.Crash when an extension dies at init; the next invocation is answered the same and nothing is left running', async () => {
    const logs: FunctionLogChunk[] = [];
    const emu = await start(logs);
    try {
      const result = await emu.invoke('Crash', {});
      expect(result.ok).toBe(false);
      expect(result.value).toMatchObject({ errorType: 'Extension.Crash', errorMessage: expect.stringContaining('Extension crasher exited during init: exit status 3') });
      expect(text(logs)).toContain('crasher starting');
      expect((await emu.invoke('Crash', {})).value).toMatchObject({ errorType: 'Extension.Crash' });
      expect((await emu.invoke('Plain', { p: 1 })).value).toEqual({ ok: true, event: { p: 1 } });
    } finally {
      await emu.close();
    }
    expect(await ourContainers()).toEqual([]);
  }, 60_000);

  it('times out the init of an extension that never calls /event/next, removes its container, and the next invocation tries afresh', async () => {
    const logs: FunctionLogChunk[] = [];
    const emu = await start(logs);
    try {
      const result = await emu.invoke('Silent', {});
      expect(result.value).toMatchObject({ errorType: 'Sandbox.Timedout' });
      expect(text(logs)).toContain('silent registered');
      expect(await ourContainers()).toEqual([]);
    } finally {
      await emu.close();
    }
  }, 60_000);

  it('kills an extension that does not finish within 2 s of SHUTDOWN, and removes its container', async () => {
    const logs: FunctionLogChunk[] = [];
    const emu = await start(logs);
    expect((await emu.invoke('Slow', { s: 1 })).value).toEqual({ ok: true, event: { s: 1 } });
    const t0 = Date.now();
    await emu.close();
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(1900);
    expect(took).toBeLessThan(20_000);
    expect(text(logs)).toContain('slow got INVOKE');
    expect(text(logs)).toContain('slow got SHUTDOWN');
    expect(await ourContainers()).toEqual([]);
  }, 60_000);

  it('delivers Telemetry API events to a subscriber listening on sandbox.localdomain in the container, each valid per AWS\'s schema', async () => {
    const logs: FunctionLogChunk[] = [];
    const emu = await start(logs);
    let first, second;
    try {
      first = await emu.invoke('WithTelemetry', { t: 1 });
      second = await emu.invoke('WithTelemetry', { t: 2 });
      expect(second.value).toEqual({ ok: true, event: { t: 2 } });
    } finally {
      await emu.close();
    }
    const all = text(logs);
    expect(all).toMatch(/\[telemetry\] subscribed 200 http:\/\/sandbox\.localdomain:\d+\//);
    const line = all.split('\n').find((l) => l.startsWith('[telemetry-received] '))!;
    const received = JSON.parse(line.slice('[telemetry-received] '.length)) as Array<{ type: string; record: Record<string, unknown> | string }>;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(telemetrySchema);
    expect(received.length).toBeGreaterThan(10);
    for (const event of received) {
      const valid: boolean = validate(event as unknown);
      expect(valid ? [] : [event.type, validate.errors]).toEqual([]);
    }
    const starts = received.filter((e) => e.type === 'platform.start').map((e) => (e.record as { requestId: string }).requestId);
    expect(starts).toEqual([first!.requestId, second!.requestId]);
    expect(received.filter((e) => e.type === 'function').map((e) => e.record)).toEqual(expect.arrayContaining([expect.stringContaining('function got {"t":1}')]));
    expect(received.map((e) => e.type)).toEqual(expect.arrayContaining(['platform.initStart', 'platform.extension', 'platform.telemetrySubscription', 'platform.initRuntimeDone', 'platform.initReport', 'platform.runtimeDone', 'platform.report']));
  }, 60_000);
});

describe.skipIf(!dockerAvailable)('a SIGKILLed emulator on the Docker runner with extensions', () => {
  beforeAll(async () => {
    await prepareStandIn();
  }, SETUP_TIMEOUT_MS);

  it('leaves no container behind, without a new start: the gate sees its stdin close and the container ends', async () => {
    const cli = await startCli(['start-lambda', '-t', TEMPLATE, '--runner', 'docker', '--skip-pull-image', '-p', '0', '--log-level', 'error']);
    const pid = cli.child.pid!;
    const containersOf = () => docker.listContainers({ all: true, filters: { label: [`${LABELS.managed}=true`, `${LABELS.pid}=${pid}`] } });
    try {
      const res = await fetch(`${cli.url}/2015-03-31/functions/WithEvents/invocations`, { method: 'POST', body: '{"n":1}' });
      expect(await res.json()).toEqual({ ok: true, event: { n: 1 } });
      expect((await containersOf()).length).toBe(1);
    } finally {
      cli.child.kill('SIGKILL');
    }
    await vi.waitFor(async () => expect(await containersOf()).toEqual([]), { timeout: 20_000, interval: 200 });
  }, 60_000);
});
