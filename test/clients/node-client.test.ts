// emulate's Node client on its own: the Node 20 callback model, crashes, warm reuse, log framing, and the requests it puts on the wire.
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NODE_CLIENT_ENTRY, PYTHON_CLIENT_ENTRY } from '../../runtime-api/clients/index.js';
import { RUNTIME_HEADER, RUNTIME_PATH } from '../../src/core/wire.js';
import {
  body,
  NODE_FIXTURES,
  RecordingRuntimeApi,
  spawnClient,
  startFunction,
  type RunningFunction,
  type ScriptedInvocation,
} from './harness.js';

const CJS = join(NODE_FIXTURES, 'cjs');

const running: RunningFunction[] = [];
const apis: RecordingRuntimeApi[] = [];
afterEach(async () => {
  await Promise.all([...running.splice(0).map((f) => f.close()), ...apis.splice(0).map((a) => a.close())]);
});

async function start(handler: string, taskRoot = CJS): Promise<RunningFunction> {
  const fn = await startFunction({ client: 'emulate', taskRoot, handler });
  running.push(fn);
  return fn;
}

async function recordingApi(...script: ScriptedInvocation[]): Promise<RecordingRuntimeApi> {
  const api = await RecordingRuntimeApi.start(script);
  apis.push(api);
  return api;
}

describe('client entry points', () => {
  it.each([
    ['Node', NODE_CLIENT_ENTRY],
    ['Python', PYTHON_CLIENT_ENTRY],
  ])('exports an absolute path to an existing %s client', (_name, entry) => {
    expect(isAbsolute(entry)).toBe(true);
    expect(existsSync(entry)).toBe(true);
  });
});

describe('callback handlers and the legacy context methods (Node 20 runtime model)', () => {
  it.each([
    ['callback(null, result) answers with the result', 'index.callback', { ok: true, body: 'cb-result' }],
    ['callback(error) answers with the error', 'index.callbackError', { ok: false, body: { errorType: 'Error', errorMessage: 'cb failed' } }],
    ['the result waits for the event loop to drain', 'index.callbackWaits', { ok: true, body: { timerFired: true } }],
    ['callbackWaitsForEmptyEventLoop = false answers at once', 'index.callbackNoWait', { ok: true, body: { timerFired: false } }],
    ['a callback never called answers null once the loop drains', 'index.callbackNeverCalled', { ok: true, body: null }],
    ['context.succeed() wins over the returned value', 'index.legacySucceed', { ok: true, body: 'legacy result' }],
    ['context.fail() answers with the error', 'index.legacyFail', { ok: false, body: { errorType: 'Error', errorMessage: 'legacy failure' } }],
    ['context.done(null, result) answers with the result', 'index.legacyDone', { ok: true, body: { done: true } }],
  ])('%s', async (_name, handler, expected) => {
    const fn = await start(handler);
    const result = await fn.invoke({});
    expect(result.ok).toBe(expected.ok);
    expect(body(result)).toMatchObject(expected.body as object);
  });

  it('keeps serving after callback invocations (the next one starts warm)', async () => {
    const fn = await start('index.callbackWaits');
    await fn.invoke({});
    const second = await fn.invoke({});
    expect(body(second)).toEqual({ timerFired: true });
    expect(second.initDurationMs).toBeUndefined();
  });
});

describe('crashes during an invocation are reported like Lambda’s Node 20 runtime', () => {
  it.each([
    ['an unhandled rejection', 'index.unhandledRejection', 'Runtime.UnhandledPromiseRejection', 'Error: nobody caught me', 'Unhandled Promise Rejection'],
    ['an uncaught exception', 'index.uncaughtException', 'Error', 'thrown from a timer', 'Uncaught Exception'],
  ])('posts %s as the function error and logs it once', async (_name, handler, errorType, errorMessage, label) => {
    const fn = await start(handler);
    const result = await fn.invoke({});
    expect(result.ok).toBe(false);
    expect(!result.ok && result.kind).toBe('function');
    expect(body(result)).toMatchObject({ errorType, errorMessage });
    expect(result.log).toContain(`\tERROR\t${label} \t{`);
    expect(result.log).not.toContain('Invoke Error');
  });

  it('starts a fresh runtime after a crash', async () => {
    const fn = await start('index.unhandledRejection');
    await fn.invoke({});
    const again = await fn.invoke({});
    expect(body(again)).toMatchObject({ errorType: 'Runtime.UnhandledPromiseRejection' });
    expect(again.initDurationMs).toBeDefined();
  });

  it('exits when a handler’s promise can never settle, as RIC 4.0.2 does', async () => {
    const fn = await start('index.neverSettles');
    const result = await fn.invoke({});
    expect(!result.ok && result.error).toMatchObject({ errorType: 'Runtime.ExitError' });
    expect(!result.ok && result.error.errorMessage).toContain('Runtime exited without providing a reason');
  });
});

describe('warm invocations and logs', () => {
  it('reuses the loaded module across invocations; only the first reports an init duration', async () => {
    const fn = await start('index.count');
    const results = [await fn.invoke({}), await fn.invoke({}), await fn.invoke({})];
    expect(results.map((r) => body(r))).toEqual([1, 2, 3]);
    expect(results.map((r) => r.initDurationMs !== undefined)).toEqual([true, false, false]);
  });

  it('logs "-" as the request id before the first invocation, then the invocation’s id', async () => {
    const fn = await start('init-log.handler');
    const result = await fn.invoke({}, { requestId: 'req-after-init' });
    const lines = result.log.split('\n').filter((line) => /^\d{4}-/.test(line));
    expect(lines.map((line) => line.split('\t').slice(1))).toEqual([
      ['-', 'INFO', 'loading module'],
      ['req-after-init', 'INFO', 'invoked'],
    ]);
  });
});

describe('on the wire (recorded Runtime API)', () => {
  it('posts an init error to /init/error with the error-type header, never polls /next, and exits 1', async () => {
    const api = await recordingApi();
    const client = spawnClient('emulate', CJS, 'index.missing', api.address);
    expect(await client.exited).toBe(1);
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`POST ${RUNTIME_PATH.initError}`]);
    const [post] = api.requests;
    expect(post!.headers[RUNTIME_HEADER.errorType]).toBe('Runtime.HandlerNotFound');
    expect(JSON.parse(post!.body.toString())).toMatchObject({
      errorType: 'Runtime.HandlerNotFound',
      errorMessage: 'index.missing is undefined or not exported',
    });
  });

  it('polls /next without special headers and posts an invoke error without an error-type header but with an X-Ray cause', async () => {
    const api = await recordingApi({ requestId: 'wire-1', event: {} });
    spawnClient('emulate', CJS, 'index.throwsCustom', api.address);
    await api.waitForRequests(3);
    const [next, error] = api.requests;
    expect(Object.keys(next!.headers).sort()).toEqual(['connection', 'host']);
    expect(error!.path).toBe(`${RUNTIME_PATH.invocation}wire-1/error`);
    expect(error!.headers[RUNTIME_HEADER.errorType]).toBeUndefined();
    expect(Object.keys(JSON.parse(error!.body.toString()))).toEqual(['errorType', 'errorMessage', 'trace']);
    const cause = JSON.parse(String(error!.headers[RUNTIME_HEADER.xrayErrorCause]));
    expect(cause.exceptions[0]).toMatchObject({ type: 'MyCustomError', message: 'kaboom' });
    expect(cause.working_directory).toBe(CJS);
  });

  it('sets _X_AMZN_TRACE_ID from the trace header and removes it when an invocation has none', async () => {
    const traceId = 'Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1';
    const api = await recordingApi(
      { requestId: 'traced', event: {}, headers: { [RUNTIME_HEADER.traceId]: traceId } },
      { requestId: 'untraced', event: {} },
    );
    spawnClient('emulate', CJS, 'index.traceId', api.address);
    await api.waitForRequests(5);
    const responses = api.requests.filter((r) => r.path.endsWith('/response'));
    expect(responses.map((r) => JSON.parse(r.body.toString()))).toEqual([traceId, null]);
  });

  it('asks for the next invocation on its /response (x-emulate-then-next) and, answered 202 by a Runtime API without it, polls /next as usual', async () => {
    const api = await recordingApi({ requestId: 'a', event: { n: 1 } }, { requestId: 'b', event: { n: 2 } });
    spawnClient('emulate', CJS, 'index.echo', api.address);
    await api.waitForRequests(5);
    expect(api.requests.slice(0, 5).map((r) => `${r.method} ${r.path} ${r.headers['x-emulate-then-next'] ?? '-'}`)).toEqual([
      `GET ${RUNTIME_PATH.next} -`,
      `POST ${RUNTIME_PATH.invocation}a/response 1`,
      `GET ${RUNTIME_PATH.next} -`,
      `POST ${RUNTIME_PATH.invocation}b/response 1`,
      `GET ${RUNTIME_PATH.next} -`,
    ]);
  });
});
