// emulate's Python client: handlers, the context object, awslambdaric's error bodies and init errors, print and logging output.
import { spawnSync } from 'node:child_process';
import type { IncomingMessage, Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { RuntimeApiServer } from '../../runtime-api/server.js';
import { silentLogger } from '../../src/core/logger.js';
import { RUNTIME_HEADER, RUNTIME_PATH } from '../../src/core/wire.js';
import {
  body,
  FUNCTION,
  PYTHON_FIXTURES,
  RecordingRuntimeApi,
  spawnClient,
  startFunction,
  type RunningFunction,
} from './harness.js';

const hasPython = spawnSync('python3', ['--version']).status === 0;

const running: RunningFunction[] = [];
const apis: (RecordingRuntimeApi | RuntimeApiServer)[] = [];
afterEach(async () => {
  await Promise.all([...running.splice(0).map((f) => f.close()), ...apis.splice(0).map((a) => a.close())]);
});

async function start(handler: string, env?: Record<string, string>): Promise<RunningFunction> {
  const fn = await startFunction({ client: 'python', taskRoot: PYTHON_FIXTURES, handler, ...(env ? { env } : {}) });
  running.push(fn);
  return fn;
}

const REQUEST = {
  requestId: 'py-request-1',
  traceId: 'Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1',
  clientContext: JSON.stringify({ custom: { k: 'v' }, env: {}, client: {} }),
  cognitoIdentity: JSON.stringify({ cognitoIdentityId: 'us-east-1:identity', cognitoIdentityPoolId: 'us-east-1:pool' }),
};

describe.skipIf(!hasPython)('Python client', () => {
  describe('answers', () => {
    it.each([
      ['a module.function handler answers with JSON as json.dumps writes it', 'app.echo', '{"echo": {"hello": "world"}}', 'application/json'],
      ['a package path (pkg/mod.fn) is imported as pkg.mod', 'pkg/mod.fn', '"from pkg/mod"', 'application/json'],
      ['bytes are answered raw as application/unknown', 'app.returns_bytes', 'raw bytes', 'application/unknown'],
      ['Decimals are written as numbers', 'app.returns_decimal', '{"whole": 3, "fraction": 1.5}', 'application/json'],
    ])('%s', async (_name, handler, payload, contentType) => {
      const fn = await start(handler);
      const result = await fn.invoke({ hello: 'world' });
      expect(result.ok).toBe(true);
      expect(result.payload.toString('utf8')).toBe(payload);
      expect(result.ok && result.contentType).toBe(contentType);
    });

    it('keeps the module loaded between invocations', async () => {
      const fn = await start('app.echo');
      const first = await fn.invoke({ n: 1 });
      const second = await fn.invoke({ n: 2 });
      expect(body(second)).toEqual({ echo: { n: 2 } });
      expect([first.initDurationMs !== undefined, second.initDurationMs !== undefined]).toEqual([true, false]);
    });
  });

  describe('invoke errors', () => {
    it('posts an exception as {errorMessage, errorType, requestId, stackTrace} and logs it on one line', async () => {
      const fn = await start('app.fails');
      const result = await fn.invoke({}, { requestId: 'py-error-1' });
      expect(result.ok).toBe(false);
      const error = body(result) as { stackTrace: string[] };
      expect(Object.keys(error)).toEqual(['errorMessage', 'errorType', 'requestId', 'stackTrace']);
      expect(error).toMatchObject({ errorMessage: 'kaboom', errorType: 'MyCustomError', requestId: 'py-error-1' });
      expect(error.stackTrace).toHaveLength(1);
      expect(error.stackTrace[0]).toMatch(/^ {2}File ".*app\.py", line \d+, in fails\n {4}raise MyCustomError\("kaboom"\)\n$/);
      expect(result.log).toMatch(/\[ERROR\] MyCustomError: kaboom\rTraceback \(most recent call last\):\r\u00a0\u00a0File ".*app\.py"/);
    });

    it.each([
      ['an unserialisable result is Runtime.MarshalError', 'app.not_serializable', 'Runtime.MarshalError', 'Unable to marshal response: Object of type set is not JSON serializable'],
      ['a handler that is not callable fails at invocation with TypeError', 'app.not_callable', 'TypeError', "'int' object is not callable"],
    ])('%s', async (_name, handler, errorType, errorMessage) => {
      const fn = await start(handler);
      const result = await fn.invoke({});
      expect(!result.ok && result.kind).toBe('function');
      expect(body(result)).toMatchObject({ errorType, errorMessage });
    });
  });

  describe('init errors', () => {
    it.each([
      ['a failing import is Runtime.ImportModuleError', 'importer.handler', 'Runtime.ImportModuleError', "Unable to import module 'importer': No module named 'nope_not_installed'"],
      ['a missing function is Runtime.HandlerNotFound', 'app.missing', 'Runtime.HandlerNotFound', "Handler 'missing' missing on module 'app'"],
      ['a missing module is Runtime.ImportModuleError', 'nope.handler', 'Runtime.ImportModuleError', "Unable to import module 'nope': No module named 'nope'"],
      ['a handler without a dot is Runtime.MalformedHandlerName', 'nodots', 'Runtime.MalformedHandlerName', "Bad handler 'nodots': not enough values to unpack (expected 2, got 1)"],
      ['a built-in module is Runtime.BuiltInModuleConflict', 'sys.handler', 'Runtime.BuiltInModuleConflict', 'Cannot use built-in module sys as a handler module'],
    ])('%s', async (_name, handler, errorType, errorMessage) => {
      const fn = await start(handler);
      const result = await fn.invoke({});
      expect(!result.ok && result.kind).toBe('init');
      expect(body(result)).toEqual({ errorMessage, errorType, requestId: '', stackTrace: [] });
      expect(result.log).toContain('[WARNING]\t');
      expect(result.log).toContain(`\t\tLAMBDA_WARNING: Unhandled exception.`);
      expect(result.log).toContain(`[ERROR] ${errorType}: ${errorMessage}\rTraceback (most recent call last):\n`);
    });

    it('reports a syntax error as Runtime.UserCodeSyntaxError with the offending line as its trace', async () => {
      const fn = await start('broken.handler');
      const result = await fn.invoke({});
      const error = body(result) as { errorMessage: string; errorType: string; stackTrace: string[] };
      expect(error.errorType).toBe('Runtime.UserCodeSyntaxError');
      expect(error.errorMessage).toMatch(/^Syntax error in module 'broken': .*\(broken\.py, line 4\)$/);
      expect(error.stackTrace).toEqual([expect.stringMatching(/^ {2}File ".*broken\.py" Line 4\n {4}def handler\(event, context\)/)]);
    });

    it('posts the init error to /init/error with the error-type header and exits 1', async () => {
      const api = await RecordingRuntimeApi.start([]);
      apis.push(api);
      const client = spawnClient('python', PYTHON_FIXTURES, 'app.missing', api.address);
      expect(await client.exited).toBe(1);
      expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`POST ${RUNTIME_PATH.initError}`]);
      expect(api.requests[0]!.headers[RUNTIME_HEADER.errorType]).toBe('Runtime.HandlerNotFound');
    });
  });

  describe('context and environment', () => {
    it('gives the handler awslambdaric’s context fields', async () => {
      const fn = await start('app.context_fields');
      const result = await fn.invoke({ timeoutMs: FUNCTION.timeoutMs }, REQUEST);
      expect(body(result)).toEqual({
        aws_request_id: REQUEST.requestId,
        function_name: FUNCTION.name,
        function_version: FUNCTION.version,
        memory_limit_in_mb: String(FUNCTION.memorySizeMb),
        invoked_function_arn: FUNCTION.arn,
        log_group_name: FUNCTION.logGroup,
        log_stream_name: FUNCTION.logStream,
        client_context_custom: { k: 'v' },
        cognito_identity_id: 'us-east-1:identity',
        remaining_in_range: true,
        trace_env: REQUEST.traceId,
      });
    });

    it('removes _X_AMZN_TRACE_ID when an invocation has no trace header', async () => {
      const api = await RecordingRuntimeApi.start([
        { requestId: 'traced', event: { timeoutMs: FUNCTION.timeoutMs }, headers: { [RUNTIME_HEADER.traceId]: REQUEST.traceId } },
        { requestId: 'untraced', event: { timeoutMs: FUNCTION.timeoutMs } },
      ]);
      apis.push(api);
      spawnClient('python', PYTHON_FIXTURES, 'app.context_fields', api.address);
      await api.waitForRequests(5);
      const responses = api.requests.filter((r) => r.path.endsWith('/response'));
      expect(responses.map((r) => (JSON.parse(r.body.toString()) as { trace_env: unknown }).trace_env)).toEqual([REQUEST.traceId, null]);
    });
  });

  describe('the wire', () => {
    it('takes the next invocation as the answer to its /response: over 5 invocations the Runtime API sees one GET /next', async () => {
      const api = await RuntimeApiServer.listen({ logger: silentLogger() });
      apis.push(api);
      const seen: string[] = [];
      (api as unknown as { server: Server }).server.on('request', (req: IncomingMessage) => seen.push(`${req.method} ${req.url}`));
      const client = spawnClient('python', PYTHON_FIXTURES, 'app.echo', api.address);
      try {
        for (let n = 1; n <= 5; n++) {
          const payload = Buffer.from(JSON.stringify({ n }));
          const run = api.run({ requestId: `py-${n}`, payload, deadlineMs: Date.now() + FUNCTION.timeoutMs, functionArn: FUNCTION.arn });
          const outcome = await run.outcome;
          expect(outcome.kind === 'response' && outcome.body.toString()).toBe(`{"echo": {"n": ${n}}}`);
        }
      } finally {
        client.child.kill();
      }
      expect(seen.filter((r) => r === `GET ${RUNTIME_PATH.next}`)).toHaveLength(1);
      expect(seen.filter((r) => r.startsWith('POST ') && r.endsWith('/response'))).toHaveLength(5);
    });

    it('asks for the next invocation on its /response (x-emulate-then-next) and, answered 202 by a Runtime API without it, polls /next as usual', async () => {
      const api = await RecordingRuntimeApi.start([
        { requestId: 'a', event: { n: 1 } },
        { requestId: 'b', event: { n: 2 } },
      ]);
      apis.push(api);
      spawnClient('python', PYTHON_FIXTURES, 'app.echo', api.address);
      await api.waitForRequests(5);
      expect(api.requests.slice(0, 5).map((r) => `${r.method} ${r.path} ${r.headers[RUNTIME_HEADER.thenNext] ?? '-'}`)).toEqual([
        `GET ${RUNTIME_PATH.next} -`,
        `POST ${RUNTIME_PATH.invocation}a/response 1`,
        `GET ${RUNTIME_PATH.next} -`,
        `POST ${RUNTIME_PATH.invocation}b/response 1`,
        `GET ${RUNTIME_PATH.next} -`,
      ]);
      expect(api.requests.slice(1, 4).filter((r) => r.method === 'POST').map((r) => r.body.toString())).toEqual([
        '{"echo": {"n": 1}}',
        '{"echo": {"n": 2}}',
      ]);
    });
  });

  describe('output', () => {
    it('passes print through and writes logging records as [LEVEL]\\ttimestamp\\trequestId\\tmessage', async () => {
      const fn = await start('app.logs');
      const result = await fn.invoke({}, { requestId: 'py-logs-1' });
      const lines = result.log.split('\n').filter((line) => !/^(START|END|REPORT) /.test(line) && line !== '');
      expect(lines.map((line) => line.replace(/\t\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\t/, '\t<timestamp>\t'))).toEqual([
        'printed line',
        '[INFO]\t<timestamp>\tpy-logs-1\tinfo via logging',
        '[WARNING]\t<timestamp>\tpy-logs-1\twarning via logging',
      ]);
    });
  });
});
