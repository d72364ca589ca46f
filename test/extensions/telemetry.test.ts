// Telemetry API on the process runner: AWS's Python Telemetry API sample extension (unchanged) subscribes to platform, function and extension events; every event it forwards validates against the schema written from AWS's reference.
import type { Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { createEmulator, type FunctionLogChunk } from '../../src/index.js';
import { machineLock } from '../helpers/machine-lock.js';
import { dispatchSink, expectSampleTelemetry, type TelemetryEvent } from '../helpers/telemetry.js';

const TEMPLATE = fileURLToPath(new URL('../../fixtures/extensions/template.yaml', import.meta.url));

describe('the Telemetry API', () => {
  let server: Server;
  let dir: string;
  const received: TelemetryEvent[] = [];
  beforeAll(async () => {
    // The sample's dispatcher POSTs each batch it got from the Telemetry API here, unchanged.
    let url: string;
    ({ server, url } = await dispatchSink(received));
    dir = mkdtempSync(join(tmpdir(), 'emulate-telemetry-test-'));
    writeFileSync(join(dir, 'env.json'), JSON.stringify({ WithTelemetry: { DISPATCH_POST_URI: url } }));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers platform, function and extension events of init, two invocations and shutdown to AWS\'s sample subscriber, each valid per AWS\'s schema', async () => {
    const logs: FunctionLogChunk[] = [];
    // The sample listens on port 4243, which the Docker runner's run of it (samples.docker.test.ts) binds too.
    const release = await machineLock('telemetry-sample-port-4243');
    onTestFinished(release);
    const emu = await createEmulator({ template: TEMPLATE, runner: 'process', logLevel: 'silent', lambdaPort: false, requestIds: 'sequential', envVars: join(dir, 'env.json'), onFunctionOutput: (c) => logs.push(c) });
    let first, second;
    try {
      first = await emu.invoke('WithTelemetry', { n: 1 });
      expect(first.value).toEqual({ ok: true, event: { n: 1 } });
      second = await emu.invoke('WithTelemetry', { n: 2 });
      expect(second.value).toEqual({ ok: true, event: { n: 2 } });
    } finally {
      await emu.close();
    }
    const text = logs.map((c) => c.text).join('');
    expect(text).toContain('Extension successfully subscribed to telemetry api OK');
    // The sample listens on sandbox.localdomain:4243 (resolved in the extension's private /etc/hosts).
    expect(text).toContain('Started http listener');
    const byType = expectSampleTelemetry(received, first.requestId, second.requestId);
    expect(byType('platform.initStart')[0]).toMatchObject({ phase: 'init', initializationType: 'on-demand' });
    expect(byType('platform.report')[0]).toMatchObject({ requestId: first.requestId, metrics: { memorySizeMB: 128, initDurationMs: expect.any(Number) } });
  }, 60_000);
});
