// Differential test: the same Node handlers under emulate's Node client and under the real aws-lambda-ric 4.0.2 give the same results, errors, context and log lines.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { InvokeRequest, InvokeResult } from '../../src/core/invoke.js';
import { RUNTIME_HEADER } from '../../src/core/wire.js';
import { FUNCTION, NODE_FIXTURES, RecordingRuntimeApi, spawnClient, startFunction, type ClientKind, type RecordedRequest } from './harness.js';

interface Case {
  root: string;
  handler: string;
  event?: unknown;
  request?: Omit<InvokeRequest, 'payload'>;
  /** The error type both must report; absent when both must succeed. */
  fails?: string;
  /** The message embeds the requiring file (the client itself), so only its first line can match. */
  firstLineOnly?: boolean;
}

const REQUEST: Omit<InvokeRequest, 'payload'> = {
  requestId: 'differential-request-1',
  traceId: 'Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1',
  clientContext: JSON.stringify({ custom: { k: 'v' }, env: { platform: 'test' }, client: { app_title: 'emulate' } }),
  cognitoIdentity: JSON.stringify({ cognitoIdentityId: 'us-east-1:identity', cognitoIdentityPoolId: 'us-east-1:pool' }),
};

/** The `Invoke Error` / `Init Error` log line's JSON, without the stack (its frames name each client's files). */
function errorLogRecord(log: string, firstLineOnly: boolean): unknown {
  const line = log.split('\n').find((l) => /\t(Invoke|Init) Error \t/.test(l));
  if (!line) return undefined;
  const record = JSON.parse(line.slice(line.indexOf(' \t') + 2)) as Record<string, unknown>;
  delete record.stack;
  if (firstLineOnly) record.errorMessage = String(record.errorMessage).split('\n')[0];
  return { label: /\t(Invoke|Init) Error/.exec(line)![1], record };
}

/** What must be identical under both clients. */
function comparable(result: InvokeResult, firstLineOnly: boolean): unknown {
  if (result.ok) return { ok: true, contentType: result.contentType, payload: result.payload.toString('utf8') };
  const parsed = JSON.parse(result.payload.toString('utf8')) as { errorType: string; errorMessage: string; trace?: string[] };
  return {
    ok: false,
    kind: result.kind,
    keys: Object.keys(parsed),
    errorType: parsed.errorType,
    errorMessage: firstLineOnly ? parsed.errorMessage.split('\n')[0] : parsed.errorMessage,
    traceFirstLine: parsed.trace?.[0],
    logged: errorLogRecord(result.log, firstLineOnly),
  };
}

async function runUnder(client: ClientKind, c: Case, env?: Record<string, string>): Promise<InvokeResult> {
  const fn = await startFunction({ client, taskRoot: join(NODE_FIXTURES, c.root), handler: c.handler, ...(env ? { env } : {}) });
  try {
    return await fn.invoke(c.event ?? { hello: 'world' }, c.request ?? { requestId: REQUEST.requestId! });
  } finally {
    await fn.close();
  }
}

const CASES: Record<string, Case> = {
  'an async CommonJS handler answers with its result': { root: 'cjs', handler: 'index.echo' },
  'a plain function answers with its return value': { root: 'cjs', handler: 'index.sync' },
  'a nested export (index.nested.deep.handler) is found': { root: 'cjs', handler: 'index.nested.deep.handler' },
  'a module in a subdirectory (src/app.handler) is found': { root: 'cjs', handler: 'src/app.handler' },
  'an ES module (.mjs) handler answers': { root: 'esm', handler: 'index.echo' },
  'a nested export of an ES module is found': { root: 'esm', handler: 'index.nested.deep.handler' },
  'a .js file under "type": "module" loads as an ES module': { root: 'esm-type-module', handler: 'index.handler' },
  'undefined is answered as null': { root: 'cjs', handler: 'index.returnsUndefined' },
  'a thrown Error is posted with its name, message and stack': { root: 'cjs', handler: 'index.throwsError', fails: 'Error' },
  'a custom error class is posted under its name': { root: 'cjs', handler: 'index.throwsCustom', fails: 'MyCustomError' },
  'a custom error thrown from an ES module': { root: 'esm', handler: 'index.throwsCustom', fails: 'MyCustomError' },
  'a thrown string becomes errorType "string" with an empty trace': { root: 'cjs', handler: 'index.throwsString', fails: 'string' },
  'a synchronous throw is an invoke error': { root: 'cjs', handler: 'index.throwsSync', fails: 'TypeError' },
  'a rejection with undefined becomes errorType "undefined"': { root: 'cjs', handler: 'index.rejectsUndefined', fails: 'undefined' },
  'a BigInt result is Runtime.JSONStringifyError': { root: 'cjs', handler: 'index.notSerializable', fails: 'Runtime.JSONStringifyError' },
  'a missing required module is Runtime.ImportModuleError': { root: 'missing-module', handler: 'index.handler', fails: 'Runtime.ImportModuleError' },
  'a missing package imported from an ES module is a plain Error': { root: 'missing-package-esm', handler: 'index.handler', fails: 'Error' },
  'a missing handler module is Runtime.ImportModuleError': { root: 'cjs', handler: 'nope.handler', fails: 'Runtime.ImportModuleError', firstLineOnly: true },
  'a missing export is Runtime.HandlerNotFound': { root: 'cjs', handler: 'index.missing', fails: 'Runtime.HandlerNotFound' },
  'an export that is not a function is Runtime.HandlerNotFound': { root: 'cjs', handler: 'index.notAFunction', fails: 'Runtime.HandlerNotFound' },
  'a CommonJS syntax error is Runtime.UserCodeSyntaxError': { root: 'syntax-error', handler: 'index.handler', fails: 'Runtime.UserCodeSyntaxError' },
  'an ES module syntax error is Runtime.UserCodeSyntaxError': { root: 'syntax-error-esm', handler: 'index.handler', fails: 'Runtime.UserCodeSyntaxError' },
  'a handler path with ".." is Runtime.MalformedHandlerName': { root: 'cjs', handler: '../cjs/index.echo', fails: 'Runtime.MalformedHandlerName' },
  'context fields, keys and JSON form are the same': {
    root: 'cjs',
    handler: 'index.context',
    event: { timeoutMs: FUNCTION.timeoutMs },
    request: REQUEST,
  },
  'an ES module reads the same context': { root: 'esm', handler: 'index.context', request: REQUEST },
  'awslambda.InvokeStore holds the request and trace ids': { root: 'cjs', handler: 'index.invokeStore', request: REQUEST },
  'a streamed body arrives as written, with its content type': { root: 'streaming', handler: 'index.plain' },
  'an HTTP integration stream starts with the prelude and 8 NUL bytes': { root: 'streaming', handler: 'index.httpIntegration' },
  'an object written to a stream is sent as JSON': { root: 'streaming', handler: 'index.objectChunk' },
  'a stream fed by pipeline() arrives whole': { root: 'streaming', handler: 'index.piped' },
  'a throw mid-stream becomes a function error through the trailers': { root: 'streaming', handler: 'index.failsMidStream', fails: 'TypeError' },
  'a streaming handler that is not async fails': { root: 'streaming', handler: 'index.notAsync', fails: 'Error' },
};

describe('emulate Node client vs aws-lambda-ric 4.0.2', () => {
  it.each(Object.entries(CASES))('%s', async (_name, c) => {
    const [ours, theirs] = await Promise.all([runUnder('emulate', c), runUnder('ric', c)]);
    expect(ours.ok ? undefined : ours.error.errorType).toBe(c.fails);
    expect(comparable(ours, c.firstLineOnly ?? false)).toEqual(comparable(theirs, c.firstLineOnly ?? false));
  });

  it('writes the same console lines (timestamp, request id, level, message with \\r for newlines)', async () => {
    const logCase: Case = { root: 'cjs', handler: 'index.logs' };
    const [ours, theirs] = await Promise.all([runUnder('emulate', logCase), runUnder('ric', logCase)]);
    const functionLines = (r: InvokeResult) =>
      r.log
        .split('\n')
        .filter((line) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\t/.test(line))
        .map((line) => line.replace(/^[^\t]+/, '<timestamp>'));
    expect(functionLines(ours)).toEqual(functionLines(theirs));
    expect(functionLines(ours)).toEqual([
      `<timestamp>\t${REQUEST.requestId}\tINFO\thello world`,
      `<timestamp>\t${REQUEST.requestId}\tINFO\tmulti\rline`,
      `<timestamp>\t${REQUEST.requestId}\tWARN\t{ a: 1 }`,
      `<timestamp>\t${REQUEST.requestId}\tERROR\tan error line`,
      `<timestamp>\t${REQUEST.requestId}\tDEBUG\tdebug 42`,
      `<timestamp>\t${REQUEST.requestId}\tTRACE\ttrace line`,
    ]);
  });

  it('writes the same JSON log records under AWS_LAMBDA_LOG_FORMAT=JSON and drops levels below AWS_LAMBDA_LOG_LEVEL', async () => {
    const logCase: Case = { root: 'cjs', handler: 'index.logs' };
    const env = { AWS_LAMBDA_LOG_FORMAT: 'JSON', AWS_LAMBDA_LOG_LEVEL: 'WARN' };
    const [ours, theirs] = await Promise.all([runUnder('emulate', logCase, env), runUnder('ric', logCase, env)]);
    const records = (r: InvokeResult) =>
      r.log
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => ({ ...(JSON.parse(line) as Record<string, unknown>), timestamp: '<timestamp>' }));
    expect(records(ours)).toEqual(records(theirs));
    expect(records(ours)).toEqual([
      { timestamp: '<timestamp>', level: 'WARN', requestId: REQUEST.requestId, message: { a: 1 } },
      { timestamp: '<timestamp>', level: 'ERROR', requestId: REQUEST.requestId, message: 'an error line' },
    ]);
  });

  it('logs a refused (413) response like aws-lambda-cpp and keeps serving warm', async () => {
    const run = async (client: ClientKind) => {
      const fn = await startFunction({ client, taskRoot: join(NODE_FIXTURES, 'cjs'), handler: 'index.tooLarge' });
      try {
        return [await fn.invoke({}), await fn.invoke({})];
      } finally {
        await fn.close();
      }
    };
    const shape = (results: InvokeResult[]) =>
      results.map((r) => ({
        kind: !r.ok && r.kind,
        warm: r.initDurationMs === undefined,
        logged: r.log.split('\n').filter((line) => line.startsWith('[ERROR]')).map((line) => line.replace(/\[\d+\]/, '[<ms>]')),
      }));
    const [ours, theirs] = await Promise.all([run('emulate'), run('ric')]);
    expect(shape(ours)).toEqual(shape(theirs));
    expect(shape(ours)[1]).toMatchObject({ kind: 'response-too-large', warm: true });
    expect(shape(ours)[0]!.logged[0]).toMatch(/^\[ERROR\] \[<ms>\] LAMBDA_RUNTIME Failed to post handler success response\. Http response code: 413\. /);
  });

  it('puts the same invoke error on the wire: body, no error-type header, X-Ray cause', async () => {
    const posted = async (client: ClientKind): Promise<RecordedRequest> => {
      const api = await RecordingRuntimeApi.start([{ requestId: 'wire-1', event: {} }]);
      const { child } = spawnClient(client, join(NODE_FIXTURES, 'cjs'), 'index.throwsCustom', api.address);
      try {
        await api.waitForRequests(3); // /next, /error, /next
        return api.requests[1]!;
      } finally {
        child.kill();
        await api.close();
      }
    };
    const wire = (post: RecordedRequest) => {
      const error = JSON.parse(post.body.toString()) as { trace: string[] };
      const cause = JSON.parse(String(post.headers[RUNTIME_HEADER.xrayErrorCause])) as {
        exceptions: { stack: unknown[] }[];
        paths: string[];
      };
      return {
        path: post.path,
        contentType: post.headers['content-type'],
        errorTypeHeader: post.headers[RUNTIME_HEADER.errorType],
        body: { ...error, trace: error.trace.slice(0, 2) },
        cause: { ...cause, exceptions: [{ ...cause.exceptions[0], stack: cause.exceptions[0]!.stack.slice(0, 1) }], paths: cause.paths.slice(0, 1) },
      };
    };
    const [ours, theirs] = await Promise.all([posted('emulate'), posted('ric')]);
    expect(wire(ours)).toEqual(wire(theirs));
    expect(wire(ours).errorTypeHeader).toBeUndefined();
  });

  it('runs callback handlers that RIC 4.0.2 rejects with Runtime.CallbackHandlerDeprecated (deliberate difference)', async () => {
    const c: Case = { root: 'cjs', handler: 'index.callback' };
    const [ours, theirs] = await Promise.all([runUnder('emulate', c), runUnder('ric', c)]);
    expect(ours.ok && ours.payload.toString()).toBe('"cb-result"');
    expect(theirs.ok).toBe(false);
    expect(!theirs.ok && theirs.error.errorType).toBe('Runtime.CallbackHandlerDeprecated');
  });

  it('keeps the HTTP prelude when a stream is only end()ed, where RIC 4.0.2 drops it (deliberate difference)', async () => {
    const c: Case = { root: 'streaming', handler: 'index.preludeThenEnd' };
    const [ours, theirs] = await Promise.all([runUnder('emulate', c), runUnder('ric', c)]);
    expect(ours.ok && ours.payload.toString()).toBe(`{"statusCode":202}${'\0'.repeat(8)}only via end`);
    expect(theirs.ok && theirs.payload.toString()).toBe('only via end');
  });
});
