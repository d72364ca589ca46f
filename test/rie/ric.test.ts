// `emulate rie` end to end with the real aws-lambda-ric@4.0.2 running Node handlers, as a container user would run it.
import { afterEach, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { INVOKE_PATH, startCli, type RunningCli } from '../helpers/cli.js';

const RIC = fileURLToPath(new URL('../../fixtures/ric/node_modules/aws-lambda-ric/index.mjs', import.meta.url));
const TASK_ROOT = fileURLToPath(new URL('../../fixtures/rie/', import.meta.url));
const ANY_PORTS = ['--runtime-interface-emulator-address', '127.0.0.1:0', '--runtime-api-address', '127.0.0.1:0'];

let running: RunningCli[] = [];

/** `emulate rie -- node <ric> <handler>`: RIE takes the last argument as the handler and sets _HANDLER. */
async function rie(handler: string, env: Record<string, string> = {}, flags: string[] = []): Promise<RunningCli> {
  const cli = await startCli(['rie', ...ANY_PORTS, ...flags, '--', 'node', RIC, handler], {
    env: { PATH: process.env.PATH ?? '', LAMBDA_TASK_ROOT: TASK_ROOT, ...env },
  });
  running.push(cli);
  return cli;
}

async function invoke(cli: RunningCli, body: string | Buffer, headers: Record<string, string> = {}) {
  const res = await fetch(`${cli.url}${INVOKE_PATH}`, { method: 'POST', body, headers });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

afterEach(async () => {
  await Promise.all(running.map((cli) => cli.stop()));
  running = [];
});

describe('emulate rie with the real aws-lambda-ric', () => {
  it('returns what the handler returned, with the request id and ARN the RIC read', async () => {
    const cli = await rie('handlers.ok', { AWS_LAMBDA_FUNCTION_NAME: 'MyCoolName' });
    const res = await invoke(cli, '{"hello":"world"}');
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body) as Record<string, unknown>;
    expect(body).toEqual({
      ok: true,
      event: { hello: 'world' },
      requestId: res.headers.get('x-amzn-requestid'),
      arn: 'arn:aws:lambda:us-east-1:012345678912:function:MyCoolName',
    });
    const second = await invoke(cli, '{}');
    expect(JSON.parse(second.body)).toMatchObject({ ok: true, event: {} });
  });

  it('returns a thrown error as the RIC posts it, with X-Amz-Function-Error: Unhandled', async () => {
    const cli = await rie('handlers.throws');
    const res = await invoke(cli, '{}');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-amz-function-error')).toBe('Unhandled');
    const body = JSON.parse(res.body) as { errorType: string; errorMessage: string; trace: string[] };
    expect(body.errorType).toBe('MyCustomError');
    expect(body.errorMessage).toBe('kaboom');
    expect(body.trace[0]).toBe('MyCustomError: kaboom');
    expect(await cli.waitForStdout('Invoke Error')).toMatch(/\tERROR\tInvoke Error \t\{"errorType":"MyCustomError"/);
  });

  it('answers a missing handler module with the RIC init error Runtime.ImportModuleError', async () => {
    const cli = await rie('nope.handler');
    const res = await invoke(cli, '{}');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-amz-function-error')).toBe('Unhandled');
    const body = JSON.parse(res.body) as { errorType: string; errorMessage: string };
    expect(body.errorType).toBe('Runtime.ImportModuleError');
    expect(body.errorMessage).toContain("Cannot find module 'nope'");
  });

  it('answers process.exit mid-invocation with Runtime.ExitError, then serves the next invocation', async () => {
    const cli = await rie('handlers.exits');
    const res = await invoke(cli, '{}');
    expect(res.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(JSON.parse(res.body)).toEqual({
      errorType: 'Runtime.ExitError',
      errorMessage: `RequestId: ${res.headers.get('x-amzn-requestid')} Error: Runtime exited with error: exit status 1`,
    });
    expect(await cli.waitForStdout('Runtime.ExitError')).toContain('about to exit');
    const again = await invoke(cli, '{}');
    expect(JSON.parse(again.body).errorType).toBe('Runtime.ExitError');
  });

  it('times out, replaces the runtime, and the next invocation reports a fresh Init Duration', async () => {
    const cli = await rie('handlers.sleeps', { AWS_LAMBDA_FUNCTION_TIMEOUT: '1' });
    const slow = await invoke(cli, '{"ms":3000}');
    expect(slow.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(JSON.parse(slow.body)).toEqual({
      errorType: 'Sandbox.Timedout',
      errorMessage: `RequestId: ${slow.headers.get('x-amzn-requestid')} Error: Task timed out after 1.00 seconds`,
    });
    const fast = await invoke(cli, '{"ms":1}');
    expect(fast.status).toBe(200);
    expect(JSON.parse(fast.body)).toMatchObject({ slept: 1 });
    const id = fast.headers.get('x-amzn-requestid')!;
    const out = await cli.waitForStdout(`REPORT RequestId: ${id}`);
    expect(out.split('\n').find((l) => l.startsWith(`REPORT RequestId: ${id}`))).toMatch(/Init Duration: \d+\.\d\d ms\t$/);
  });

  it('refuses an oversized request with 413 before the RIC sees it, and keeps serving', async () => {
    const cli = await rie('handlers.ok');
    const res = await invoke(cli, Buffer.alloc(7_000_000, 0x20));
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).message).toBe('Request must be smaller than 6291456 bytes for the InvokeFunction operation');
    expect(cli.stdout()).not.toContain('START');
    expect((await invoke(cli, '{}')).status).toBe(200);
  });

  it('turns a response over 6,291,556 bytes into Function.ResponseSizeTooLarge; the RIC keeps polling', async () => {
    const cli = await rie('handlers.big');
    // JSON.stringify adds two quotes: 6,291,555 characters post 6,291,557 bytes.
    const res = await invoke(cli, '{"chars":6291555}');
    expect(res.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(JSON.parse(res.body)).toEqual({
      errorType: 'Function.ResponseSizeTooLarge',
      errorMessage: 'Response payload size (6291557 bytes) exceeded maximum allowed payload size (6291556 bytes).',
    });
    const ok = await invoke(cli, '{"chars":3}');
    expect(ok.body).toBe('"xxx"');
  });

  it('gives getRemainingTimeInMillis the function timeout and passes the client context', async () => {
    const cli = await rie('handlers.remaining', { AWS_LAMBDA_FUNCTION_TIMEOUT: '3' });
    const res = await invoke(cli, '{}', {
      'X-Amz-Client-Context': Buffer.from(JSON.stringify({ custom: { foo: 'bar' } })).toString('base64'),
    });
    const body = JSON.parse(res.body) as { remaining: number; clientContext: { custom: unknown } };
    expect(body.remaining).toBeGreaterThan(2500);
    expect(body.remaining).toBeLessThanOrEqual(3000);
    expect(body.clientContext.custom).toEqual({ foo: 'bar' });
  });

  it('queues overlapping invocations on one runtime, and fans them out with --max-concurrency', async () => {
    const single = await rie('handlers.sleeps');
    const queued = await Promise.all([invoke(single, '{"ms":200}'), invoke(single, '{"ms":200}')]);
    expect(queued.map((r) => r.status)).toEqual([200, 200]);
    expect(new Set(queued.map((r) => JSON.parse(r.body).pid)).size).toBe(1);

    const fanned = await rie('handlers.sleeps', {}, ['--max-concurrency', '2']);
    const parallel = await Promise.all([invoke(fanned, '{"ms":300}'), invoke(fanned, '{"ms":300}')]);
    expect(parallel.map((r) => r.status)).toEqual([200, 200]);
    expect(new Set(parallel.map((r) => JSON.parse(r.body).pid)).size).toBe(2);
  });
});
