// CORS as AWS does it: HTTP API preflights answered 204 by the gateway, configured headers for allowed origins only; REST only SAM's OPTIONS mock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiGatewayServer } from '../../apigw/index.js';
import { originAllowed } from '../../apigw/cors.js';
import { api, cors, inProcessInvoker, route, send, startWith } from './helpers.js';

const fn = inProcessInvoker(async () => ({
  statusCode: 200,
  // The function's own CORS headers: ignored by an HTTP API with CORS, passed through by REST.
  headers: { 'Access-Control-Allow-Origin': 'https://evil.example', 'x-request-id': 'r1' },
  body: 'ok',
}));

describe('HTTP API CORS', () => {
  const shop = api('http', {
    cors: cors({
      allowOrigins: ['https://shop.example.com', 'https://*.partner.example'],
      allowMethods: ['GET', 'POST'],
      allowHeaders: ['content-type', 'x-api-key'],
      exposeHeaders: ['x-request-id'],
      allowCredentials: true,
      maxAgeSeconds: 300,
    }),
  });
  const open = api('http', { logicalId: 'OpenApi', stageName: 'open', cors: cors({ allowOrigins: ['*'] }) });
  const plain = api('http', { logicalId: 'PlainApi', stageName: 'plain' });
  let server: ApiGatewayServer;
  beforeAll(async () => {
    server = await startWith(
      [shop, open, plain],
      [route(shop, 'GET /items', 'Fn'), route(shop, 'OPTIONS /items', 'Fn'), route(open, 'GET /items', 'Fn'), route(plain, 'GET /items', 'Fn')],
      { Fn: fn },
    );
  });
  afterAll(() => server.close());

  const preflight = (path: string, origin: string): Promise<Awaited<ReturnType<typeof send>>> =>
    send(server.url, { method: 'OPTIONS', path, headers: [['Origin', origin], ['Access-Control-Request-Method', 'POST'], ['Access-Control-Request-Headers', 'content-type']] });

  it('answers a preflight with 204 and every configured header, without invoking (even with an OPTIONS route)', async () => {
    const calls = fn.calls;
    const res = await preflight('/items', 'https://shop.example.com');
    expect(res.status).toBe(204);
    expect(res.body.length).toBe(0);
    expect(res.header('access-control-allow-origin')).toBe('https://shop.example.com');
    expect(res.header('access-control-allow-methods')).toBe('GET,POST');
    expect(res.header('access-control-allow-headers')).toBe('content-type,x-api-key');
    expect(res.header('access-control-max-age')).toBe('300');
    expect(res.header('access-control-allow-credentials')).toBe('true');
    expect(res.header('apigw-requestid')).toBeDefined();
    expect(fn.calls).toBe(calls);
  });

  it('answers a preflight for a path without any route', async () => {
    expect((await preflight('/nowhere', 'https://shop.example.com')).status).toBe(204);
  });

  it('answers a preflight from a disallowed origin with 204 and no CORS headers', async () => {
    const res = await preflight('/items', 'https://evil.example');
    expect(res.status).toBe(204);
    expect(res.headers.filter(([n]) => n.toLowerCase().startsWith('access-control-'))).toEqual([]);
  });

  it('adds Allow-Origin, Expose-Headers and Allow-Credentials to an allowed origin\'s request, replacing the function\'s', async () => {
    const res = await send(server.url, { path: '/items', headers: [['Origin', 'https://app.partner.example']] });
    expect(res.status).toBe(200);
    expect(res.all('access-control-allow-origin')).toEqual(['https://app.partner.example']);
    expect(res.header('access-control-expose-headers')).toBe('x-request-id');
    expect(res.header('access-control-allow-credentials')).toBe('true');
    expect(res.header('access-control-allow-methods')).toBeUndefined();
  });

  it.each([
    ['a disallowed origin', [['Origin', 'https://evil.example']]],
    ['no Origin', []],
  ] as Array<[string, Array<[string, string]>]>)('adds no CORS headers for %s, and drops the function\'s', async (_what, headers) => {
    const res = await send(server.url, { path: '/items', headers });
    expect(res.status).toBe(200);
    expect(res.headers.filter(([n]) => n.toLowerCase().startsWith('access-control-'))).toEqual([]);
  });

  it('answers * for AllowOrigins * without credentials', async () => {
    const res = await send(server.url, { path: '/open/items', headers: [['Origin', 'http://localhost:5173']] });
    expect(res.header('access-control-allow-origin')).toBe('*');
  });

  it('leaves APIs without CORS alone: OPTIONS is routed (404 here), function CORS headers pass', async () => {
    expect((await preflight('/plain/items', 'https://shop.example.com')).status).toBe(404);
    const res = await send(server.url, { path: '/plain/items', headers: [['Origin', 'https://shop.example.com']] });
    expect(res.header('access-control-allow-origin')).toBe('https://evil.example');
  });
});

describe('REST CORS', () => {
  const rest = api('rest', { cors: cors({ allowOrigins: ['https://a.example', 'https://b.example'], allowHeaders: ['Content-Type', 'X-Amz-Date'], maxAgeSeconds: 600 }) });
  let server: ApiGatewayServer;
  beforeAll(async () => (server = await startWith([rest], [route(rest, 'GET /items', 'Fn'), route(rest, 'POST /items', 'Fn')], { Fn: fn })));
  afterAll(() => server.close());

  it('answers OPTIONS from SAM\'s mock integration: 200, configured values verbatim, whatever the Origin', async () => {
    const calls = fn.calls;
    const res = await send(server.url, { method: 'OPTIONS', path: '/Prod/items' });
    expect(res.status).toBe(200);
    expect(res.header('Access-Control-Allow-Origin')).toBe('https://a.example,https://b.example');
    expect(res.header('Access-Control-Allow-Methods')).toBe('GET,OPTIONS,POST');
    expect(res.header('Access-Control-Allow-Headers')).toBe('Content-Type,X-Amz-Date');
    expect(res.header('Access-Control-Max-Age')).toBe('600');
    expect(res.header('x-amzn-RequestId')).toBeDefined();
    expect(fn.calls).toBe(calls);
  });

  it('adds no CORS headers to proxy responses: the function\'s own pass through', async () => {
    const res = await send(server.url, { path: '/Prod/items', headers: [['Origin', 'https://a.example']] });
    expect(res.all('access-control-allow-origin')).toEqual(['https://evil.example']);
    expect(res.header('access-control-allow-headers')).toBeUndefined();
  });
});

describe('origin matching', () => {
  it.each([
    [['*'], 'https://any.example', true],
    [['https://a.example'], 'https://a.example', true],
    [['https://a.example'], 'https://A.example', true],
    [['https://a.example'], 'https://a.example:8443', false],
    [['https://*'], 'https://x.example', true],
    [['https://*'], 'http://x.example', false],
    [['https://*.partner.example'], 'https://app.partner.example', true],
    [[], 'https://a.example', false],
  ])('AllowOrigins %j allows %s: %s', (allowOrigins, origin, allowed) => {
    expect(originAllowed(cors({ allowOrigins }), origin)).toBe(allowed);
  });
});
