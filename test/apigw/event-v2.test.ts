// Request → HTTP API payload 2.0 event, field by field (spec §2), every event valid against Powertools' schema.
import { APIGatewayProxyEventV2Schema } from '@aws-lambda-powertools/parser/schemas';
import { describe, expect, it } from 'vitest';
import { PROFILES, buildEventV2, compileRoutes, matchRequest, newIdentity, type IntegrationMatch } from '../../apigw/index.js';
import { FIXED_IDENTITY, SETTINGS, api, gatewayRequest, route } from './helpers.js';

const http = api('http', { apiGatewayId: 'abc123defg' });
const dev = api('http', { apiGatewayId: 'dev1234567', stageName: 'dev', stageVariables: { TABLE: 'orders' } });
const table = compileRoutes(
  [http, dev],
  [route(http, 'GET /hello/{name}', 'Hello'), route(http, 'ANY /any', 'Any'), route(http, '$default', 'Default'), route(dev, 'GET /orders/{id}', 'Orders')],
);

function eventFor(init: Parameters<typeof gatewayRequest>[0]) {
  const req = gatewayRequest(init);
  const match = matchRequest(table, req.method, req.url.split('?')[0]!);
  if (match.kind !== 'integration') throw new Error(`no route: ${match.kind}`);
  const event = buildEventV2(req, match as IntegrationMatch, FIXED_IDENTITY, SETTINGS);
  expect(APIGatewayProxyEventV2Schema.safeParse(event).error).toBeUndefined();
  return event;
}

describe('payload 2.0 event', () => {
  it('matches the shape of AWS\'s example event', () => {
    const event = eventFor({
      url: '/hello/ann?greeting=hi&x=1&x=2',
      headers: [
        ['Host', 'localhost:3000'],
        ['User-Agent', 'curl/8.5.0'],
        ['Cookie', 'sid=abc; theme=dark'],
      ],
    });
    expect(event).toEqual({
      version: '2.0',
      routeKey: 'GET /hello/{name}',
      rawPath: '/hello/ann',
      rawQueryString: 'greeting=hi&x=1&x=2',
      cookies: ['sid=abc', 'theme=dark'],
      headers: {
        host: 'localhost:3000',
        'user-agent': 'curl/8.5.0',
        'x-forwarded-for': '127.0.0.1',
        'x-forwarded-port': '3000',
        'x-forwarded-proto': 'http',
        'x-amzn-trace-id': FIXED_IDENTITY.traceId,
      },
      queryStringParameters: { greeting: 'hi', x: '1,2' },
      requestContext: {
        accountId: '123456789012',
        apiId: 'abc123defg',
        domainName: 'localhost',
        domainPrefix: 'localhost',
        http: { method: 'GET', path: '/hello/ann', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'curl/8.5.0' },
        requestId: 'JKJaXmPLvHcESHA=',
        routeKey: 'GET /hello/{name}',
        stage: '$default',
        time: '21/Nov/2026:04:52:47 +0000',
        timeEpoch: 1795236767128,
      },
      pathParameters: { name: 'ann' },
      isBase64Encoded: false,
    });
  });

  it('omits cookies, queryStringParameters, body, pathParameters and stageVariables when AWS does', () => {
    const event = eventFor({ url: '/any' });
    for (const key of ['cookies', 'queryStringParameters', 'body', 'pathParameters', 'stageVariables']) expect(event).not.toHaveProperty(key);
  });

  it.each([
    ['ANY route', 'POST', '/any', 'ANY /any'],
    ['$default route', 'GET', '/nowhere', '$default'],
    ['$default route on a path whose method has no route', 'DELETE', '/hello/ann', '$default'],
  ])('routeKey of an %s is the route\'s key (%s %s → %s), not the request method', (_what, method, url, routeKey) => {
    const event = eventFor({ method, url });
    expect(event.routeKey).toBe(routeKey);
    expect(event.requestContext.routeKey).toBe(routeKey);
  });

  it('gives $default no pathParameters', () => {
    expect(eventFor({ url: '/a/b/c' })).not.toHaveProperty('pathParameters');
  });

  it.each([
    ['duplicate headers are comma-joined', [['X-Multi', 'one'], ['x-multi', 'two']], 'x-multi', 'one,two'],
    ['names are lower-cased', [['X-Custom-Header', 'V']], 'x-custom-header', 'V'],
    ['headers with underscores pass through', [['X_Under_Score', 'kept']], 'x_under_score', 'kept'],
    ['a client X-Forwarded-For is appended to', [['X-Forwarded-For', '203.0.113.9']], 'x-forwarded-for', '203.0.113.9, 127.0.0.1'],
    ['a client X-Forwarded-Proto is replaced', [['X-Forwarded-Proto', 'gopher']], 'x-forwarded-proto', 'http'],
  ] as Array<[string, Array<[string, string]>, string, string]>)('%s', (_what, headers, name, value) => {
    expect(eventFor({ url: '/any', headers: [['Host', 'localhost:3000'], ...headers] }).headers[name]).toBe(value);
  });

  it('moves every Cookie header into cookies, keeping duplicates and raw values, and drops cookie from headers', () => {
    const event = eventFor({
      url: '/any',
      headers: [
        ['Cookie', 'a=1; b=2'],
        ['cookie', 'a=3;c="quoted value"'],
      ],
    });
    expect(event.cookies).toEqual(['a=1', 'b=2', 'a=3', 'c="quoted value"']);
    expect(event.headers).not.toHaveProperty('cookie');
  });

  it.each([
    ['a=1&a=2&b=&c', { a: '1,2', b: '', c: '' }],
    ['q=caf%C3%A9&sp=a%20b&plus=a+b', { q: 'café', sp: 'a b', plus: 'a+b' }],
    ['bad=%zz', { bad: '%zz' }],
    ['&&x=1&', { x: '1' }],
  ])('queryStringParameters of ?%s are %j, rawQueryString stays undecoded', (query, expected) => {
    const event = eventFor({ url: `/any?${query}` });
    expect(event.queryStringParameters).toEqual(expected);
    expect(event.rawQueryString).toBe(query);
  });

  it('decodes pathParameters and rawPath', () => {
    const event = eventFor({ url: '/hello/J%C3%BCrgen%20M' });
    expect(event.pathParameters).toEqual({ name: 'Jürgen M' });
    expect(event.rawPath).toBe('/hello/Jürgen M');
  });

  it('includes a named stage in rawPath and http.path, and carries stageVariables', () => {
    const event = eventFor({ url: '/dev/orders/7' });
    expect(event.rawPath).toBe('/dev/orders/7');
    expect(event.requestContext.http.path).toBe('/dev/orders/7');
    expect(event.requestContext.stage).toBe('dev');
    expect(event.stageVariables).toEqual({ TABLE: 'orders' });
    expect(event.pathParameters).toEqual({ id: '7' });
  });

  it.each([
    ['::ffff:10.1.2.3', '10.1.2.3'],
    ['::1', '::1'],
    ['192.0.2.1', '192.0.2.1'],
  ])('reports source ip %s as %s', (peer, sourceIp) => {
    expect(eventFor({ url: '/any', sourceIp: peer }).requestContext.http.sourceIp).toBe(sourceIp);
  });

  it('uses the real User-Agent, or "" without one', () => {
    expect(eventFor({ url: '/any', headers: [['User-Agent', 'my-agent/1']] }).requestContext.http.userAgent).toBe('my-agent/1');
    expect(eventFor({ url: '/any', headers: [] }).requestContext.http.userAgent).toBe('');
  });

  it('falls back to the execute-api domain when the request names no host', () => {
    const event = eventFor({ url: '/any', headers: [] });
    expect(event.requestContext.domainName).toBe('abc123defg.execute-api.us-east-1.amazonaws.com');
    expect(event.requestContext.domainPrefix).toBe('abc123defg');
  });

  it('gives every request its own id and time (epoch in ms)', () => {
    let now = 1_800_000_000_123;
    const clock = { now: () => now, monotonic: () => 0 };
    let n = 0;
    const ids = () => `id-${++n}`;
    const a = newIdentity(PROFILES.http, clock, ids);
    now += 1500;
    const b = newIdentity(PROFILES.http, clock, ids);
    expect(a.requestId).not.toBe(b.requestId);
    expect(a.requestId).toMatch(/^[A-Za-z0-9+/]{15}=$/);
    expect(b.timeEpochMs - a.timeEpochMs).toBe(1500);
    expect(String(a.timeEpochMs)).toHaveLength(13);
  });

  it('keeps a client trace id and makes one otherwise', () => {
    const clock = { now: () => 1_800_000_000_000, monotonic: () => 0 };
    expect(newIdentity(PROFILES.http, clock, () => 'x', 'Root=1-abc-def').traceId).toBe('Root=1-abc-def');
    expect(newIdentity(PROFILES.http, clock, () => 'x').traceId).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/);
  });
});

describe('payload 2.0 bodies', () => {
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
  it.each([
    ['application/json', '{"a":1}', false],
    ['application/json; charset=utf-8', '{"a":1}', false],
    ['text/plain', 'héllo', false],
    ['text/csv', 'a,b', false],
    ['application/xml', '<a/>', false],
    ['application/javascript', 'x()', false],
    ['application/x-www-form-urlencoded', 'a=1&b=2', true],
    ['application/octet-stream', 'abc', true],
    ['image/png', png, true],
    [undefined, 'no content type', true],
    // A "text" body that is not UTF-8 is base64 so that no byte is lost.
    ['text/plain', Buffer.from([0xff, 0xfe, 0x00]), true],
  ])('Content-Type %s → isBase64Encoded %s, exact bytes', (contentType, body, base64) => {
    const headers: Array<[string, string]> = contentType ? [['Content-Type', contentType]] : [];
    const event = eventFor({ method: 'POST', url: '/any', headers, body });
    const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
    expect(event.isBase64Encoded).toBe(base64);
    expect(base64 ? Buffer.from(event.body!, 'base64') : Buffer.from(event.body!)).toEqual(bytes);
  });
});
