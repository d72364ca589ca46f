// The API Gateway server over real HTTP: routing and stages, events as functions see them, cookies, binary round trips, HEAD/OPTIONS, ids.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiGatewayServer } from '../../apigw/index.js';
import { api, inProcessInvoker, route, schemaCheck, send, startWith } from './helpers.js';

/** A handler that echoes the event it received, so tests can look at it. */
const echo = (name: string) => inProcessInvoker(async (event) => ({ statusCode: 200, headers: { 'x-fn': name }, body: JSON.stringify(event) }), name);

// A 1×1 transparent PNG.
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360000002000105fe02fea70000000049454e44ae426082',
  'hex',
);

describe('routing over HTTP', () => {
  const http = api('http', { logicalId: 'ServerlessHttpApi' });
  const dev = api('http', { logicalId: 'DevApi', stageName: 'dev', stageVariables: { TABLE: 'orders' } });
  const rest = api('rest', { logicalId: 'ServerlessRestApi', binaryMediaTypes: ['image/png'] });
  const fns = {
    Exact: echo('Exact'),
    Param: echo('Param'),
    Greedy: echo('Greedy'),
    Default: echo('Default'),
    Orders: echo('Orders'),
    RestPets: echo('RestPets'),
    RestProxy: echo('RestProxy'),
    Any: echo('Any'),
  };
  let server: ApiGatewayServer;
  beforeAll(async () => {
    server = await startWith(
      [http, dev, rest],
      [
        route(http, 'GET /pets/dog/1', 'Exact'),
        route(http, 'GET /pets/dog/{id}', 'Param'),
        route(http, 'GET /pets/{proxy+}', 'Greedy'),
        route(http, 'ANY /any', 'Any'),
        route(http, '$default', 'Default'),
        route(dev, 'GET /orders/{id}', 'Orders'),
        route(rest, 'GET /pets', 'RestPets'),
        route(rest, 'ANY /{proxy+}', 'RestProxy'),
      ],
      fns,
    );
  });
  afterAll(() => server.close());

  it.each([
    ['GET', '/pets/dog/1', 200, 'Exact'],
    ['GET', '/pets/dog/2', 200, 'Param'],
    ['GET', '/pets/cat/1', 200, 'Greedy'],
    ['POST', '/pets/dog/1', 200, 'Default'],
    ['GET', '/', 200, 'Default'],
    ['GET', '/dev/orders/7', 200, 'Orders'],
    ['GET', '/Prod/pets', 200, 'RestPets'],
    ['GET', '/Prod/cats/tom', 200, 'RestProxy'],
    ['DELETE', '/any', 200, 'Any'],
  ])('%s %s → %i from %s', async (method, path, status, fn) => {
    const res = await send(server.url, { method, path });
    expect(res.status).toBe(status);
    expect(res.header('x-fn')).toBe(fn);
  });

  it.each([
    ['GET', '/dev/nothing', 404, '{"message":"Not Found"}'],
    ['POST', '/Prod/pets', 403, '{"message":"Missing Authentication Token"}'],
  ])('%s %s → %i %s, function not invoked', async (method, path, status, body) => {
    const before = Object.values(fns).reduce((n, f) => n + f.calls, 0);
    const res = await send(server.url, { method, path });
    expect(res.status).toBe(status);
    expect(res.body.toString()).toBe(body);
    expect(res.header('content-type')).toBe('application/json');
    expect(Object.values(fns).reduce((n, f) => n + f.calls, 0)).toBe(before);
  });

  it('puts the stage prefix in rawPath of a named HTTP API stage and in REST requestContext.path', async () => {
    const httpEvent = (await send(server.url, { path: '/dev/orders/7' })).json();
    expect(httpEvent).toMatchObject({ rawPath: '/dev/orders/7', requestContext: { stage: 'dev' }, stageVariables: { TABLE: 'orders' } });
    const restEvent = (await send(server.url, { path: '/Prod/cats/tom?x=1' })).json();
    expect(restEvent).toMatchObject({ path: '/cats/tom', resource: '/{proxy+}', requestContext: { path: '/Prod/cats/tom', stage: 'Prod' } });
  });

  it('delivers duplicate headers and query keys as AWS does, per format', async () => {
    const headers: Array<[string, string]> = [['X-Multi', 'one'], ['X-Multi', 'two']];
    const v2 = (await send(server.url, { path: '/any?a=1&a=2&b', headers })).json();
    expect(v2.headers['x-multi']).toBe('one,two');
    expect(v2.queryStringParameters).toEqual({ a: '1,2', b: '' });
    expect(v2.rawQueryString).toBe('a=1&a=2&b');
    const v1 = (await send(server.url, { path: '/Prod/x?a=1&a=2&b', headers })).json();
    expect(v1.headers['X-Multi']).toBe('two');
    expect(v1.multiValueHeaders['X-Multi']).toEqual(['one', 'two']);
    expect(v1.queryStringParameters).toEqual({ a: '2', b: '' });
    expect(v1.multiValueQueryStringParameters).toEqual({ a: ['1', '2'], b: [''] });
  });

  it('gives each request a fresh id and time, and puts the id in apigw-requestid', async () => {
    const a = await send(server.url, { path: '/any' });
    const b = await send(server.url, { path: '/any' });
    expect(a.json().requestContext.requestId).not.toBe(b.json().requestContext.requestId);
    expect(a.header('apigw-requestid')).toBe(a.json().requestContext.requestId);
    expect(b.json().requestContext.timeEpoch).toBeGreaterThanOrEqual(a.json().requestContext.timeEpoch);
    expect(Math.abs(a.json().requestContext.timeEpoch - Date.now())).toBeLessThan(60_000);
  });

  it('answers REST requests with x-amzn-RequestId and x-amz-apigw-id matching the event', async () => {
    const res = await send(server.url, { path: '/Prod/pets' });
    const event = res.json();
    expect(res.header('x-amzn-RequestId')).toBe(event.requestContext.requestId);
    expect(res.header('x-amz-apigw-id')).toBe(event.requestContext.extendedRequestId);
    expect(res.header('apigw-requestid')).toBeUndefined();
  });

  it('reaches the function with a path fastify cannot decode', async () => {
    const res = await send(server.url, { path: '/pets/dog/%zz' });
    expect(res.header('x-fn')).toBe('Param');
    expect(res.json().pathParameters).toEqual({ id: '%zz' });
  });

  it.each([['PROPFIND'], ['PURGE']])('answers the method %s, which no route can name, with 404', async (method) => {
    const res = await send(server.url, { method, path: '/any' });
    expect([res.status, res.body.toString()]).toEqual([404, '{"message":"Not Found"}']);
  });

  it('serves an HTTP/1.1 request without Host, naming the execute-api domain', async () => {
    const event = (await send(server.url, { path: '/any', noHost: true })).json();
    expect(event.requestContext.domainName).toBe(`${http.apiGatewayId}.execute-api.us-east-1.amazonaws.com`);
    expect(event.headers).not.toHaveProperty('host');
  });

  it('passes the real source IP and User-Agent, and forwards the trace id to Lambda', async () => {
    const event = (await send(server.url, { path: '/any', headers: [['User-Agent', 'tester/2.0']] })).json();
    expect(event.requestContext.http).toMatchObject({ sourceIp: '127.0.0.1', userAgent: 'tester/2.0' });
    expect(fns.Any.requests.at(-1)!.traceId).toBe(event.headers['x-amzn-trace-id']);
  });
});

describe('cookies', () => {
  const http = api('http');
  const fn = inProcessInvoker(async (event) => ({
    statusCode: 200,
    cookies: ['session=new; Path=/; HttpOnly', 'theme=light; Max-Age=60'],
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ cookies: event.cookies ?? null, cookieHeader: event.headers.cookie ?? null }),
  }));
  let server: ApiGatewayServer;
  beforeAll(async () => (server = await startWith([http], [route(http, 'GET /c', 'Fn')], { Fn: fn })));
  afterAll(() => server.close());

  it('splits every Cookie header into cookies and sends one Set-Cookie per result cookie', async () => {
    const res = await send(server.url, { path: '/c', headers: [['Cookie', 'sid=abc; theme=dark'], ['Cookie', 'sid=dup']] });
    expect(res.json()).toEqual({ cookies: ['sid=abc', 'theme=dark', 'sid=dup'], cookieHeader: null });
    expect(res.all('set-cookie')).toEqual(['session=new; Path=/; HttpOnly', 'theme=light; Max-Age=60']);
  });

  it('omits cookies when the request has none', async () => {
    expect((await send(server.url, { path: '/c' })).json().cookies).toBeNull();
  });
});

describe('binary bodies', () => {
  const http = api('http');
  const rest = api('rest', { binaryMediaTypes: ['image/*'] });
  /** Returns the request body's bytes as a binary response of the same Content-Type. */
  const mirror = inProcessInvoker(async (event) => {
    const bytes = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64') : Buffer.from(event.body ?? '', 'utf8');
    const headers = { 'Content-Type': event.headers['content-type'] ?? event.headers['Content-Type'] };
    return { statusCode: 200, headers, body: bytes.toString('base64'), isBase64Encoded: true };
  });
  let server: ApiGatewayServer;
  beforeAll(async () => (server = await startWith([http, rest], [route(http, 'POST /up', 'Mirror'), route(rest, 'POST /up', 'Mirror')], { Mirror: mirror })));
  afterAll(() => server.close());

  it('round-trips a PNG through an HTTP API byte for byte', async () => {
    const res = await send(server.url, { method: 'POST', path: '/up', headers: [['Content-Type', 'image/png']], body: PNG });
    expect(mirror.events.at(-1)).toMatchObject({ isBase64Encoded: true, body: PNG.toString('base64') });
    expect(res.status).toBe(200);
    expect(res.header('content-type')).toBe('image/png');
    expect(res.body).toEqual(PNG);
  });

  it('round-trips a PNG through a REST API with image/* binary support when Accept asks for it', async () => {
    const res = await send(server.url, { method: 'POST', path: '/Prod/up', headers: [['Content-Type', 'image/png'], ['Accept', 'image/png']], body: PNG });
    expect(mirror.events.at(-1)).toMatchObject({ isBase64Encoded: true, body: PNG.toString('base64') });
    expect(res.body).toEqual(PNG);
  });

  it('returns REST base64 text as it is when Accept is not a binary type', async () => {
    const res = await send(server.url, { method: 'POST', path: '/Prod/up', headers: [['Content-Type', 'image/png'], ['Accept', '*/*']], body: PNG });
    expect(res.body.toString()).toBe(PNG.toString('base64'));
  });

  it('delivers every byte value of an octet stream exactly', async () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const res = await send(server.url, { method: 'POST', path: '/up', headers: [['Content-Type', 'application/octet-stream']], body: all });
    expect(res.body).toEqual(all);
  });
});

describe('HEAD and OPTIONS', () => {
  const http = api('http');
  const rest = api('rest');
  const fn = inProcessInvoker(async (event) => ({ statusCode: event.requestContext?.http?.method === 'OPTIONS' ? 204 : 200, body: 'content' }));
  let server: ApiGatewayServer;
  beforeAll(async () => {
    server = await startWith(
      [http, rest],
      [route(http, 'ANY /any', 'Fn'), route(http, 'GET /get', 'Fn'), route(rest, 'GET /get', 'Fn'), route(rest, 'ANY /any', 'Fn')],
      { Fn: fn },
    );
  });
  afterAll(() => server.close());

  it('invokes an ANY route for HEAD and sends headers without a body', async () => {
    const calls = fn.calls;
    const res = await send(server.url, { method: 'HEAD', path: '/any' });
    expect(res.status).toBe(200);
    expect(res.header('content-length')).toBe('7');
    expect(res.body.length).toBe(0);
    expect(fn.calls).toBe(calls + 1);
  });

  it.each([
    ['HEAD', '/get', 404],
    ['OPTIONS', '/get', 404],
    ['HEAD', '/Prod/get', 403],
    ['OPTIONS', '/Prod/get', 403],
  ])('%s %s on a GET-only route is %i, not an error', async (method, path, status) => {
    expect((await send(server.url, { method, path })).status).toBe(status);
  });

  it('lets a function answer OPTIONS itself when no CORS is configured (204 passes through)', async () => {
    const res = await send(server.url, { method: 'OPTIONS', path: '/any' });
    expect(res.status).toBe(204);
    expect(res.body.length).toBe(0);
  });
});

describe('server lifecycle', () => {
  it('listens on a free port, reports its URL, and closes more than once', async () => {
    const http = api('http');
    const server = await startWith([http], [route(http, 'GET /x', 'Fn')], { Fn: echo('Fn') });
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.port).toBeGreaterThan(0);
    await Promise.all([server.close(), server.close()]);
    await server.close();
    await expect(send(server.url, { path: '/x' })).rejects.toThrow();
  });

  it('fails with EMU_LISTEN_FAILED when the port is taken', async () => {
    const first = await startWith([api('http')], [], {});
    await expect(startWith([api('http')], [], {}, { port: first.port })).rejects.toMatchObject({ code: 'EMU_LISTEN_FAILED' });
    await first.close();
  });

  it('answers an API with no routes with its not-found response', async () => {
    const server = await startWith([api('http')], [], {});
    const res = await send(server.url, { path: '/x' });
    expect([res.status, res.body.toString()]).toEqual([404, '{"message":"Not Found"}']);
    await server.close();
  });
});

describe('events', () => {
  it('every event produced in this file validates against Powertools\' schemas', () => {
    expect(schemaCheck.problems).toEqual([]);
    expect(schemaCheck.validated).toBeGreaterThan(10);
  });
});
