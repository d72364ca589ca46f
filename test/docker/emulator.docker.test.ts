// The whole emulator on the Docker runner: a template's functions in containers behind the Invoke API and start-api.
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { createEmulator, type Emulator } from '../../src/index.js';
import { EMULATOR_INSTANCE, LABELS } from '../../src/runners/docker/labels.js';
import { docker, dockerAvailable, prepareStandIn, SETUP_TIMEOUT_MS } from './helpers.js';

const TEMPLATE = fileURLToPath(new URL('../../fixtures/lambda/template.yaml', import.meta.url));
const TRIVIAL = fileURLToPath(new URL('../../fixtures/bench/template.yaml', import.meta.url));

const ours = () => docker.listContainers({ all: true, filters: { label: [`${LABELS.managed}=true`, `${LABELS.instance}=${EMULATOR_INSTANCE}`] } });

describe.skipIf(!dockerAvailable)('createEmulator with runner docker', () => {
  let emu: Emulator;
  beforeAll(async () => {
    await prepareStandIn();
    emu = await createEmulator({ template: TEMPLATE, runner: 'docker', logLevel: 'silent', requestIds: 'sequential' });
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await emu?.close();
  });

  it('runs a Zip function in a container on the AWS base image, with Lambda\'s environment', async () => {
    const result = await emu.invoke('EnvFunction');
    expect(result.ok).toBe(true);
    const env = result.value as Record<string, string>;
    expect(env).toMatchObject({ STAGE: 'local', AWS_LAMBDA_FUNCTION_NAME: 'EnvFunction', LAMBDA_TASK_ROOT: '/var/task', _HANDLER: 'handlers.env' });
    expect(env.AWS_LAMBDA_RUNTIME_API).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(result.initDurationMs).toBeGreaterThan(0);
  });

  it('serves the AWS SDK through start-lambda, errors and timeouts included', async () => {
    const sdk = new LambdaClient({ endpoint: emu.lambdaUrl, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    try {
      const ok = await sdk.send(new InvokeCommand({ FunctionName: 'echo', Payload: Buffer.from('{"via":"docker"}'), LogType: 'Tail' }));
      expect(JSON.parse(Buffer.from(ok.Payload!).toString()).event).toEqual({ via: 'docker' });
      expect(Buffer.from(ok.LogResult!, 'base64').toString()).toContain('echo got {"via":"docker"}');
      const failed = await sdk.send(new InvokeCommand({ FunctionName: 'ThrowFunction', Payload: Buffer.from('{}') }));
      expect(failed.FunctionError).toBe('Unhandled');
      const slow = await sdk.send(new InvokeCommand({ FunctionName: 'SleepFunction', Payload: Buffer.from('{"ms":3000}') }));
      expect(JSON.parse(Buffer.from(slow.Payload!).toString()).errorType).toBe('Sandbox.Timedout');
      const after = await sdk.send(new InvokeCommand({ FunctionName: 'SleepFunction', Payload: Buffer.from('{"ms":1}') }));
      expect(after.FunctionError).toBeUndefined();
    } finally {
      sdk.destroy();
    }
  });

  it('leaves no container behind after close', async () => {
    expect((await ours()).length).toBeGreaterThan(0);
    await emu.close();
    expect(await ours()).toEqual([]);
  });
});

describe.skipIf(!dockerAvailable)('start-api on the Docker runner', () => {
  it('answers HTTP requests from a function in a container', async () => {
    await prepareStandIn();
    await using emu = await createEmulator({ template: TRIVIAL, runner: 'docker', logLevel: 'silent', lambdaPort: false });
    const res = await fetch(`${emu.apiUrl}/`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  }, SETUP_TIMEOUT_MS);
});
