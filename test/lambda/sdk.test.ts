// The Lambda Invoke API (start-lambda) through the real @aws-sdk/client-lambda: results, errors and exception classes.
import {
  InvokeCommand,
  InvalidRequestContentException,
  LambdaClient,
  ResourceNotFoundException,
  TooManyRequestsException,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { createEmulator, type Emulator } from '../../src/index.js';

const TEMPLATE = fileURLToPath(new URL('../../fixtures/lambda/template.yaml', import.meta.url));
const decode = (payload: Uint8Array | undefined) => JSON.parse(Buffer.from(payload ?? []).toString('utf8')) as Record<string, unknown>;

let emu: Emulator;
let lambda: LambdaClient;

beforeAll(async () => {
  emu = await createEmulator({ template: TEMPLATE, runner: 'process', port: false, lambdaPort: 0, logLevel: 'silent' });
  lambda = new LambdaClient({
    endpoint: emu.lambdaUrl,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  lambda.destroy();
  await emu.close();
});

const invoke = (input: Omit<ConstructorParameters<typeof InvokeCommand>[0], 'Payload'> & { Payload?: unknown }) =>
  lambda.send(new InvokeCommand({ ...input, Payload: input.Payload === undefined ? undefined : Buffer.from(typeof input.Payload === 'string' ? input.Payload : JSON.stringify(input.Payload)) }));

describe('start-lambda with @aws-sdk/client-lambda', () => {
  it.each([
    ['FunctionName', 'echo'],
    ['logical id', 'EchoFunction'],
    ['full ARN', 'arn:aws:lambda:us-east-1:123456789012:function:echo'],
    ['partial ARN', '123456789012:function:echo'],
    ['name with $LATEST', 'echo:$LATEST'],
  ])('invokes by %s and returns the payload, version and request id', async (_label, name) => {
    const res = await invoke({ FunctionName: name, Payload: { hello: 'world' } });
    expect(res.StatusCode).toBe(200);
    expect(res.FunctionError).toBeUndefined();
    expect(res.ExecutedVersion).toBe('$LATEST');
    const body = decode(res.Payload);
    expect(body).toMatchObject({ event: { hello: 'world' }, functionName: 'echo', arn: 'arn:aws:lambda:us-east-1:123456789012:function:echo' });
    expect(res.$metadata.requestId).toBe(body.requestId);
  });

  it('returns a thrown error as FunctionError Unhandled with the error JSON, without throwing', async () => {
    const res = await invoke({ FunctionName: 'ThrowFunction', Payload: {} });
    expect(res.StatusCode).toBe(200);
    expect(res.FunctionError).toBe('Unhandled');
    expect(decode(res.Payload)).toMatchObject({ errorType: 'TypeError', errorMessage: 'kaboom' });
  });

  it('returns Sandbox.Timedout for a timeout and serves the next invocation', async () => {
    const res = await invoke({ FunctionName: 'SleepFunction', Payload: { ms: 3000 } });
    expect(res.FunctionError).toBe('Unhandled');
    expect(decode(res.Payload)).toEqual({
      errorType: 'Sandbox.Timedout',
      errorMessage: `RequestId: ${res.$metadata.requestId} Error: Task timed out after 1.00 seconds`,
    });
    const next = await invoke({ FunctionName: 'SleepFunction', Payload: { ms: 1 } });
    expect(next.FunctionError).toBeUndefined();
  });

  it('returns Runtime.ExitError for a crash', async () => {
    const res = await invoke({ FunctionName: 'CrashFunction', Payload: {} });
    expect(res.FunctionError).toBe('Unhandled');
    expect(decode(res.Payload)).toMatchObject({ errorType: 'Runtime.ExitError', errorMessage: expect.stringContaining('exit status 3') });
  });

  it('decodes LogResult to this invocation\'s log: the handler output and START/END/REPORT', async () => {
    const res = await invoke({ FunctionName: 'echo', Payload: { n: 1 }, LogType: 'Tail' });
    const log = Buffer.from(res.LogResult!, 'base64').toString('utf8');
    const id = res.$metadata.requestId!;
    expect(log).toContain(`START RequestId: ${id} Version: $LATEST`);
    expect(log).toMatch(new RegExp(`\\t${id}\\tINFO\\techo got \\{"n":1\\}`));
    expect(log).toContain(`END RequestId: ${id}`);
    expect(log).toMatch(new RegExp(`REPORT RequestId: ${id}\\tDuration: `));
  });

  it('answers Event with 202 and runs the function in the background', async () => {
    const before = emu.logs.length;
    const res = await invoke({ FunctionName: 'echo', InvocationType: 'Event', Payload: { async: true } });
    expect(res.StatusCode).toBe(202);
    expect(res.Payload?.length ?? 0).toBe(0);
    await expect.poll(() => emu.logs.slice(before).map((l) => l.text).join('')).toContain('echo got {"async":true}');
  });

  it('answers DryRun with 204 and starts nothing', async () => {
    const res = await invoke({ FunctionName: 'EnvFunction', InvocationType: 'DryRun', Payload: {} });
    expect(res.StatusCode).toBe(204);
    expect(emu.logs.some((l) => l.functionName === 'EnvFunction')).toBe(false);
  });

  it('passes ClientContext to the function', async () => {
    const clientContext = { custom: { tenant: 'a' }, env: { platform: 'test' } };
    const res = await invoke({ FunctionName: 'echo', ClientContext: Buffer.from(JSON.stringify(clientContext)).toString('base64'), Payload: {} });
    expect(decode(res.Payload).clientContext).toEqual(clientContext);
  });

  it.each([
    ['an unknown function', { FunctionName: 'nope', Payload: {} }, ResourceNotFoundException, 404, 'Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope'],
    ['an unknown qualifier', { FunctionName: 'echo', Qualifier: 'live', Payload: {} }, ResourceNotFoundException, 404, 'Function not found: arn:aws:lambda:us-east-1:123456789012:function:echo:live'],
    ['a body that is not JSON', { FunctionName: 'echo', Payload: 'not json' }, InvalidRequestContentException, 400, 'Could not parse request body into json'],
  ])('throws the SDK class for %s', async (_label, input, errorClass, status, message) => {
    const err = await invoke(input).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(errorClass);
    expect((err as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(status);
    expect((err as Error).message).toContain(message);
    expect((err as { $fault: string }).$fault).toBe('client');
  });

  it('refuses a payload over 6,291,456 bytes with 413 RequestEntityTooLargeException and does not invoke', async () => {
    const before = emu.logs.length;
    const err = await invoke({ FunctionName: 'echo', Payload: `"${'x'.repeat(6_291_456)}"` }).catch((e: unknown) => e);
    expect((err as Error).name).toBe('RequestEntityTooLargeException');
    expect((err as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(413);
    expect((err as Error).message).toBe('Request must be smaller than 6291456 bytes for the InvokeFunction operation');
    expect(emu.logs.length).toBe(before);
  });

  it('throws TooManyRequestsException when reserved concurrency is used up', async () => {
    const settled = await Promise.allSettled([
      invoke({ FunctionName: 'ReservedFunction', Payload: { ms: 400 } }),
      invoke({ FunctionName: 'ReservedFunction', Payload: { ms: 400 } }),
    ]);
    const rejected = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.reason).toBeInstanceOf(TooManyRequestsException);
    expect((rejected[0]!.reason as TooManyRequestsException).Reason).toBe('ReservedFunctionConcurrentInvocationLimitExceeded');
  });

  it('gives functions Lambda\'s environment and the template variables, never the host\'s', async () => {
    process.env.EMULATE_SECRET_FROM_HOST = 'leak';
    const env = decode((await invoke({ FunctionName: 'EnvFunction', Payload: {} })).Payload) as Record<string, string>;
    delete process.env.EMULATE_SECRET_FROM_HOST;
    expect(env).toMatchObject({
      STAGE: 'local',
      AWS_LAMBDA_FUNCTION_NAME: 'EnvFunction',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_REGION: 'us-east-1',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/EnvFunction',
      _HANDLER: 'handlers.env',
    });
    expect(env.AWS_LAMBDA_RUNTIME_API).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(env.EMULATE_SECRET_FROM_HOST).toBeUndefined();
    expect(env.HOME).toBeUndefined();
  });
});
