// `emulate rie` end to end with a hand-written runtime: every outcome of the invoke endpoint, as a curl user sees it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { INVOKE_PATH, startCli, type RunningCli } from '../helpers/cli.js';

const RUNTIME = fileURLToPath(new URL('../../fixtures/rie/scripted-runtime.mjs', import.meta.url));
const ANY_PORTS = ['--runtime-interface-emulator-address', '127.0.0.1:0', '--runtime-api-address', '127.0.0.1:0'];
const baseEnv = { PATH: process.env.PATH ?? '' };

async function invoke(cli: RunningCli, body: string | Buffer, headers: Record<string, string> = {}, method = 'POST') {
  const res = await fetch(`${cli.url}${INVOKE_PATH}`, { method, body: method === 'GET' ? undefined : body, headers });
  const buf = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, body: buf.toString('utf8'), bytes: buf };
}

const reports = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('REPORT '));

describe('emulate rie with a scripted runtime', () => {
  let cli: RunningCli;
  beforeAll(async () => {
    cli = await startCli(['rie', ...ANY_PORTS, '--', RUNTIME], { env: { ...baseEnv, AWS_LAMBDA_FUNCTION_TIMEOUT: '2' } });
  });
  afterAll(async () => {
    expect(await cli.stop()).toBe(0);
  });

  it('answers a successful invocation with the runtime bytes, a sniffed content type and START/END/REPORT lines', async () => {
    const res = await invoke(cli, '{"action":"echo","n":1}');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.headers.get('x-amz-function-error')).toBeNull();
    const body = JSON.parse(res.body) as { echo: unknown; requestId: string };
    expect(body.echo).toEqual({ action: 'echo', n: 1 });
    const id = body.requestId;
    expect(res.headers.get('x-amzn-requestid')).toBe(id);
    const out = await cli.waitForStdout(`REPORT RequestId: ${id}`);
    expect(out).toContain(`START RequestId: ${id} Version: $LATEST\n`);
    expect(out).toContain(`END RequestId: ${id}\n`);
    expect(out).toMatch(new RegExp(`REPORT RequestId: ${id}\\tDuration: \\d+\\.\\d\\d ms\\tBilled Duration: \\d+ ms\\tMemory Size: 3008 MB\\tMax Memory Used: \\d+ MB\\tInit Duration: \\d+\\.\\d\\d ms\\t\\n`));
    expect(out.indexOf(`START RequestId: ${id}`)).toBeLessThan(out.indexOf('handling echo'));
    expect(out.indexOf('handling echo')).toBeLessThan(out.indexOf(`END RequestId: ${id}`));
  });

  it('reports Init Duration only on the cold start', async () => {
    const res = await invoke(cli, '{"action":"echo"}');
    const id = (JSON.parse(res.body) as { requestId: string }).requestId;
    const line = reports(await cli.waitForStdout(`REPORT RequestId: ${id}`)).find((l) => l.includes(id))!;
    expect(line).not.toContain('Init Duration');
  });

  it('returns a function error with 200, the runtime error body verbatim and X-Amz-Function-Error: Unhandled', async () => {
    const res = await invoke(cli, '{"action":"error"}');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(res.body).toBe('{"errorMessage":"boom","errorType":"MyError","stackTrace":["a","b"]}');
  });

  it('answers a runtime exit mid-invocation with Runtime.ExitError, and the next invocation re-inits', async () => {
    const res = await invoke(cli, '{"action":"exit","code":1}');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-amz-function-error')).toBe('Unhandled');
    const id = res.headers.get('x-amzn-requestid');
    expect(res.body).toBe(`{"errorType":"Runtime.ExitError","errorMessage":"RequestId: ${id} Error: Runtime exited with error: exit status 1"}`);
    const next = await invoke(cli, '{"action":"echo"}');
    expect(next.status).toBe(200);
    const nextId = (JSON.parse(next.body) as { requestId: string }).requestId;
    expect(reports(await cli.waitForStdout(`REPORT RequestId: ${nextId}`)).find((l) => l.includes(nextId))).toContain('Init Duration');
  });

  it('says "exited without providing a reason" for a clean exit', async () => {
    const res = await invoke(cli, '{"action":"exit","code":0}');
    expect(JSON.parse(res.body)).toMatchObject({ errorType: 'Runtime.ExitError', errorMessage: expect.stringMatching(/Error: Runtime exited without providing a reason$/) });
  });

  it('times out with Sandbox.Timedout after the function timeout, kills the runtime, and the next invocation works with a fresh init', async () => {
    const started = Date.now();
    const res = await invoke(cli, '{"action":"sleep","ms":5000}');
    expect(Date.now() - started).toBeLessThan(4500);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-amz-function-error')).toBe('Unhandled');
    const id = res.headers.get('x-amzn-requestid');
    expect(res.body).toBe(`{"errorType":"Sandbox.Timedout","errorMessage":"RequestId: ${id} Error: Task timed out after 2.00 seconds"}`);
    const out = await cli.waitForStdout(`REPORT RequestId: ${id}`);
    expect(out).toMatch(new RegExp(`Z ${id} Task timed out after 2.00 seconds\\n`));
    expect(reports(out).find((l) => l.includes(id!))).toContain('Duration: 2000.00 ms');
    const next = await invoke(cli, '{"action":"sleep","ms":1}');
    expect(next.status).toBe(200);
    expect(JSON.parse(next.body)).toMatchObject({ slept: 1 });
    const nextId = next.headers.get('x-amzn-requestid');
    expect(reports(await cli.waitForStdout(`REPORT RequestId: ${nextId}`)).find((l) => l.includes(nextId!))).toContain('Init Duration');
  });

  it('refuses a request over 6,291,456 bytes with 413 RequestEntityTooLargeException and does not invoke', async () => {
    const before = cli.stdout().split('START').length;
    const res = await invoke(cli, Buffer.alloc(6_291_457, 0x61));
    expect(res.status).toBe(413);
    expect(res.headers.get('x-amzn-errortype')).toBe('RequestEntityTooLargeException');
    expect(JSON.parse(res.body)).toEqual({ Type: 'User', message: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation' });
    expect(cli.stdout().split('START').length).toBe(before);
    expect(cli.stderr()).toContain('request payload is over the limit');
  });

  it('passes a request of exactly 6,291,456 bytes through whole', async () => {
    const head = '{"action":"size","pad":"';
    const pad = 'p'.repeat(6_291_456 - head.length - 2);
    const res = await invoke(cli, `${head}${pad}"}`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ bytes: 6_291_456 });
  });

  it.each([
    [6_291_556, 200, undefined],
    [6_291_557, 200, 'Unhandled'],
  ])('answers a %i-byte response with %i (function error: %s)', async (bytes, status, functionError) => {
    const res = await invoke(cli, JSON.stringify({ action: 'big', bytes }));
    expect(res.status).toBe(status);
    expect(res.headers.get('x-amz-function-error') ?? undefined).toBe(functionError);
    if (functionError) {
      expect(res.body).toBe(
        `{"errorType":"Function.ResponseSizeTooLarge","errorMessage":"Response payload size (${bytes} bytes) exceeded maximum allowed payload size (6291556 bytes)."}`,
      );
    } else {
      expect(res.bytes.length).toBe(bytes);
    }
  });

  it('queues an invocation that arrives while one is in flight instead of crashing', async () => {
    const [a, b] = await Promise.all([
      invoke(cli, '{"action":"sleep","ms":300}'),
      invoke(cli, '{"action":"sleep","ms":300}'),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(JSON.parse(a.body).pid).toBe(JSON.parse(b.body).pid);
  });

  it('decodes X-Amz-Client-Context for the runtime and forwards X-Amzn-Trace-Id', async () => {
    const ctx = { custom: { foo: 'bar', baz: 123 } };
    const res = await invoke(cli, '{"action":"headers"}', {
      'X-Amz-Client-Context': Buffer.from(JSON.stringify(ctx)).toString('base64'),
      'X-Amzn-Trace-Id': 'Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1',
    });
    const headers = JSON.parse(res.body) as Record<string, string>;
    expect(JSON.parse(headers['lambda-runtime-client-context']!)).toEqual(ctx);
    expect(headers['lambda-runtime-trace-id']).toBe('Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1');
    expect(headers['content-type']).toBe('application/json');
    expect(headers['lambda-runtime-invoked-function-arn']).toBe('arn:aws:lambda:us-east-1:012345678912:function:test_function');
    expect(Number(headers['lambda-runtime-deadline-ms'])).toBeGreaterThan(Date.now());
    expect(headers['lambda-runtime-aws-request-id']).toBe(res.headers.get('x-amzn-requestid'));
  });

  it('sends a generated trace id when the caller gives none, as Lambda does', async () => {
    const headers = JSON.parse((await invoke(cli, '{"action":"headers"}')).body) as Record<string, string>;
    expect(headers['lambda-runtime-trace-id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/);
    expect(headers['lambda-runtime-client-context']).toBeUndefined();
  });

  it('refuses a client context that is not base64 with 400 InvalidRequestContentException', async () => {
    const res = await invoke(cli, '{}', { 'X-Amz-Client-Context': 'not base64!' });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-errortype')).toBe('InvalidRequestContentException');
  });

  it('gives the runtime exactly RIE\'s environment when the emulator has only PATH', async () => {
    const env = JSON.parse((await invoke(cli, '{"action":"env"}')).body) as Record<string, string>;
    expect(env).toMatchObject({
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_SESSION_TOKEN: '',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '3008',
      AWS_LAMBDA_FUNCTION_NAME: 'test_function',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/Functions',
      AWS_LAMBDA_LOG_STREAM_NAME: '$LATEST',
      AWS_LAMBDA_FUNCTION_TIMEOUT: '2',
      PATH: process.env.PATH,
    });
    expect(env.AWS_LAMBDA_RUNTIME_API).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(env._HANDLER).toBeUndefined();
  });

  it.each([
    ['Event', 202],
    ['DryRun', 204],
  ])('answers X-Amz-Invocation-Type: %s with %i and an empty body', async (type, status) => {
    const res = await invoke(cli, '{"action":"echo"}', { 'X-Amz-Invocation-Type': type });
    expect(res.status).toBe(status);
    expect(res.body).toBe('');
  });

  it('returns the last 4 KB of the invocation log in X-Amz-Log-Result with X-Amz-Log-Type: Tail', async () => {
    const res = await invoke(cli, '{"action":"echo"}', { 'X-Amz-Log-Type': 'Tail' });
    const log = Buffer.from(res.headers.get('x-amz-log-result')!, 'base64').toString('utf8');
    expect(log).toMatch(/^START RequestId: \S+ Version: \$LATEST\nhandling echo\nEND RequestId: \S+\nREPORT RequestId: /);
  });

  it('invokes on any method, as RIE does (GET carries an empty event)', async () => {
    const res = await invoke(cli, '', {}, 'GET');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).echo).toEqual({ action: 'echo' });
  });

  it("answers another path with Go's 404", async () => {
    const res = await fetch(`${cli.url}/2015-03-31/functions/other/invocations`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await res.text()).toBe('404 page not found\n');
  });
});

describe('emulate rie init failures', () => {
  it.each([
    ['error', '{"errorMessage":"init failed","errorType":"InitProbeError"}'],
    ['exit', /^\{"errorType":"Runtime.ExitError","errorMessage":"RequestId: \S+ Error: Runtime exited with error: exit status 3"\}$/],
  ])('answers INIT_MODE=%s with 200, X-Amz-Function-Error and the init error, every time', async (mode, expected) => {
    const cli = await startCli(['rie', ...ANY_PORTS, RUNTIME], { env: { ...baseEnv, INIT_MODE: mode } });
    try {
      for (let i = 0; i < 2; i++) {
        const res = await invoke(cli, '{}');
        expect(res.status).toBe(200);
        expect(res.headers.get('x-amz-function-error')).toBe('Unhandled');
        if (typeof expected === 'string') expect(res.body).toBe(expected);
        else expect(res.body).toMatch(expected);
      }
    } finally {
      await cli.stop();
    }
  });

  it('starts the deadline after init, as Lambda does (a slow init does not eat the timeout)', async () => {
    const cli = await startCli(['rie', ...ANY_PORTS, RUNTIME], {
      env: { ...baseEnv, INIT_MODE: 'slow', INIT_DELAY_MS: '1200', AWS_LAMBDA_FUNCTION_TIMEOUT: '1' },
    });
    try {
      const res = await invoke(cli, '{"action":"sleep","ms":500}');
      expect(res.status).toBe(200);
      expect(res.headers.get('x-amz-function-error')).toBeNull();
    } finally {
      await cli.stop();
    }
  });
});

describe('emulate rie --max-concurrency', () => {
  it('fans concurrent invocations out to separate runtimes', async () => {
    const cli = await startCli(['rie', ...ANY_PORTS, '--max-concurrency', '3', RUNTIME], { env: baseEnv });
    try {
      const results = await Promise.all([1, 2, 3].map(() => invoke(cli, '{"action":"sleep","ms":400}')));
      const pids = new Set(results.map((r) => (JSON.parse(r.body) as { pid: number }).pid));
      expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
      expect(pids.size).toBe(3);
    } finally {
      await cli.stop();
    }
  });
});
