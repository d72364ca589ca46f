// Failed invocations answered with API Gateway's statuses and bodies: function errors, crashes, integration timeouts, malformed results, throttling.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiGatewayServer } from '../../apigw/index.js';
import { emuError } from '../../src/core/errors.js';
import { throttledResult, type InvokeResult } from '../../src/core/invoke.js';
import { api, capturingLogger, deferred, failure, inProcessInvoker, rawResult, route, scriptedInvoker, send, startWith } from './helpers.js';

const HTTP_500 = '{"message":"Internal Server Error"}';
const REST_502 = '{"message": "Internal server error"}';

describe('function failures', () => {
  const http = api('http');
  const httpV1 = api('http', { logicalId: 'LegacyApi', stageName: 'legacy' });
  const rest = api('rest');
  let next: () => Promise<InvokeResult> | InvokeResult = () => rawResult('{}');
  const fn = scriptedInvoker(() => next());
  const throwing = inProcessInvoker(async () => {
    throw new TypeError('bad input');
  });
  let server: ApiGatewayServer;
  beforeAll(async () => {
    server = await startWith(
      [http, httpV1, rest],
      [route(http, 'ANY /fn', 'Fn'), route(httpV1, 'ANY /fn', 'Fn', '1.0'), route(rest, 'ANY /fn', 'Fn'), route(http, 'GET /throws', 'Throws'), route(rest, 'GET /throws', 'Throws')],
      { Fn: fn, Throws: throwing },
    );
  });
  afterAll(() => server.close());

  it.each([
    ['/throws', 500, HTTP_500],
    ['/Prod/throws', 502, REST_502],
  ])('a handler that throws: %s → %i %s', async (path, status, body) => {
    const res = await send(server.url, { path });
    expect([res.status, res.body.toString()]).toEqual([status, body]);
    expect(res.header('content-type')).toBe('application/json');
  });

  it.each(['function', 'init', 'timeout', 'exit', 'response-too-large', 'runtime'] as const)('a %s failure is HTTP API 500 and REST 502', async (kind) => {
    next = () => failure(kind);
    const h = await send(server.url, { path: '/fn' });
    const r = await send(server.url, { path: '/Prod/fn' });
    expect([h.status, h.body.toString()]).toEqual([500, HTTP_500]);
    expect([r.status, r.body.toString()]).toEqual([502, REST_502]);
  });

  it('decides by the runtime\'s signal, not the body: an error-shaped success result is passed through', async () => {
    // SAM answers 500 to this (it looks like an error object); AWS passes it through as a 400.
    next = () => rawResult(JSON.stringify({ statusCode: 400, errorType: 'X', errorMessage: 'Y' }));
    expect((await send(server.url, { path: '/fn' })).status).toBe(400);
    next = () => rawResult(JSON.stringify({ statusCode: 400, body: JSON.stringify({ errorType: 'X', errorMessage: 'Y' }) }));
    const res = await send(server.url, { path: '/Prod/fn' });
    expect([res.status, res.json()]).toEqual([400, { errorType: 'X', errorMessage: 'Y' }]);
  });

  it.each([
    ['a bare string', '"hello"', 200, 502, 500],
    ['a number', '2', 200, 502, 500],
    ['not JSON', 'hello', 500, 502, 500],
    ['REST-forbidden extra key', '{"statusCode":200,"body":"x","cookies":["a=1"]}', 200, 502, 200],
    ['a body object', '{"statusCode":200,"body":{"a":1}}', 500, 502, 500],
    ['no statusCode', '{"body":"x"}', 200, 502, 500],
    ['a status of 0', '{"statusCode":0}', 500, 502, 500],
  ])('a result that is %s: HTTP API 2.0 %i, REST %i, HTTP API 1.0 %i', async (_what, payload, v2Status, restStatus, v1Status) => {
    next = () => rawResult(payload);
    expect((await send(server.url, { path: '/fn' })).status).toBe(v2Status);
    expect((await send(server.url, { path: '/Prod/fn' })).status).toBe(restStatus);
    expect((await send(server.url, { path: '/legacy/fn' })).status).toBe(v1Status);
  });

  it('malformed results get the failure body of the API kind', async () => {
    next = () => rawResult('nope');
    expect((await send(server.url, { path: '/fn' })).body.toString()).toBe(HTTP_500);
    expect((await send(server.url, { path: '/Prod/fn' })).body.toString()).toBe(REST_502);
  });

  it('returns the function\'s JSON bytes as they are for an inferred 2.0 response', async () => {
    next = () => rawResult('{ "n" : 1.50,\n  "s": "\\u00e9" }');
    const res = await send(server.url, { path: '/fn' });
    expect(res.body.toString()).toBe('{ "n" : 1.50,\n  "s": "\\u00e9" }');
    expect(res.header('content-type')).toBe('application/json');
  });
});

describe('integration timeout', () => {
  const http = api('http');
  const rest = api('rest');
  const release = deferred();
  const slow = inProcessInvoker(async () => {
    await release.promise;
    return { statusCode: 200, body: 'late' };
  });
  const { logger, records } = capturingLogger();
  let server: ApiGatewayServer;
  beforeAll(async () => {
    server = await startWith([http, rest], [route(http, 'GET /slow', 'Slow'), route(rest, 'GET /slow', 'Slow')], { Slow: slow }, { logger, integrationTimeoutMs: 100 });
  });
  afterAll(async () => {
    release.resolve();
    await server.close();
  });

  it.each([
    ['HTTP API', '/slow', 503, '{"message":"Service Unavailable"}'],
    ['REST', '/Prod/slow', 504, '{"message": "Endpoint request timed out"}'],
  ])('%s answers %i %s when the function outlives the integration timeout', async (_kind, path, status, body) => {
    const started = Date.now();
    const res = await send(server.url, { path });
    expect([res.status, res.body.toString()]).toEqual([status, body]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
    expect(records.some((r) => r.level === 40 && r.timeoutMs === 100)).toBe(true);
  });

  it('defaults to 30 s for HTTP APIs and 29 s for REST, per kind when given per kind', async () => {
    const { integrationTimeouts } = await import('../../apigw/limits.js');
    expect(integrationTimeouts(undefined)).toEqual({ http: 30_000, rest: 29_000 });
    expect(integrationTimeouts({ rest: 5 })).toEqual({ http: 30_000, rest: 5 });
    expect(integrationTimeouts(7)).toEqual({ http: 7, rest: 7 });
  });
});

describe('invocations Lambda refuses', () => {
  const http = api('http');
  const rest = api('rest');
  const throttled = scriptedInvoker((request) => throttledResult(request.requestId ?? 'throttled', 'ReservedFunctionConcurrentInvocationLimitExceeded'));
  const closed = scriptedInvoker(() => {
    throw emuError('EMU_POOL_CLOSED', 'Closed');
  });
  const { logger, records } = capturingLogger();
  let server: ApiGatewayServer;
  beforeAll(async () => {
    server = await startWith(
      [http, rest],
      [route(http, 'GET /busy', 'Busy'), route(rest, 'GET /busy', 'Busy'), route(http, 'GET /closed', 'Closed'), route(http, 'GET /missing', 'Missing')],
      { Busy: throttled, Closed: closed },
      { logger },
    );
  });
  afterAll(() => server.close());

  it.each([
    ['/busy', 500, HTTP_500],
    ['/Prod/busy', 500, '{"message": "Internal server error"}'],
    ['/closed', 500, HTTP_500],
    ['/missing', 500, HTTP_500],
  ])('%s → %i %s', async (path, status, body) => {
    const res = await send(server.url, { path });
    expect([res.status, res.body.toString()]).toEqual([status, body]);
  });

  it('logs a throttle as a warning and other faults as errors', () => {
    expect(records.some((r) => r.level === 40 && /throttled/.test(r.msg))).toBe(true);
    expect(records.some((r) => r.level === 50 && /could not run/.test(r.msg))).toBe(true);
    expect(records.some((r) => r.level === 50 && /no function "Missing"/.test(r.msg))).toBe(true);
  });
});
