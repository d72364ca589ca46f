// Lambda result → HTTP response for payload 2.0 and 1.0 (spec §6), and the gateway's own error responses (spec §7).
import { describe, expect, it } from 'vitest';
import { PROFILES, gatewayError, responseFromV1, responseFromV2, type ParsedResult } from '../../apigw/index.js';
import { decodeBase64, matchesMediaType } from '../../apigw/body.js';
import { restDecodesBinary } from '../../apigw/response.js';

const v2 = (payload: unknown) => responseFromV2(Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)));
const ok = (parsed: ParsedResult) => {
  if (!parsed.ok) throw new Error(`not ok: ${parsed.detail}`);
  return { status: parsed.response.statusCode, headers: parsed.response.headers, body: parsed.response.body.toString('utf8') };
};

describe('payload 2.0 results', () => {
  it.each([
    ['an object without statusCode is the body, bytes as returned', '{ "message" :  "hi",\n "n": 1.50 }', '{ "message" :  "hi",\n "n": 1.50 }'],
    ['a JSON string is its content', '"hello"', 'hello'],
    ['a number', '2', '2'],
    ['true', 'true', 'true'],
    ['a list', '["a","b"]', '["a","b"]'],
    ['null', 'null', 'null'],
    ['an object with body but no statusCode stays whole', '{"body":"x","headers":{"a":"b"}}', '{"body":"x","headers":{"a":"b"}}'],
  ])('inferred format: %s', (_what, payload, body) => {
    expect(ok(v2(payload))).toEqual({ status: 200, headers: [['content-type', 'application/json']], body });
  });

  it('structured: status, headers, a Set-Cookie per cookie, body', () => {
    const r = ok(v2({ statusCode: 201, headers: { 'X-A': '1', 'Content-Type': 'text/plain' }, cookies: ['a=1; Path=/', 'b=2; HttpOnly'], body: 'made', extra: 'ignored' }));
    expect(r).toEqual({
      status: 201,
      headers: [['X-A', '1'], ['Content-Type', 'text/plain'], ['set-cookie', 'a=1; Path=/'], ['set-cookie', 'b=2; HttpOnly']],
      body: 'made',
    });
  });

  it('decodes isBase64Encoded bodies to the exact bytes', () => {
    const bytes = Buffer.from([0, 1, 2, 253, 254, 255]);
    const parsed = v2({ statusCode: 200, headers: { 'content-type': 'application/octet-stream' }, body: bytes.toString('base64'), isBase64Encoded: true });
    expect(parsed.ok && parsed.response.body).toEqual(bytes);
  });

  it.each([
    ['numbers and booleans in headers are coerced', { statusCode: 200, headers: { n: 1, b: true } }, [['n', '1'], ['b', 'true']]],
    ['a numeric string status is accepted', { statusCode: '204' }, []],
    ['framing headers from the function are dropped', { statusCode: 200, headers: { 'Content-Length': '999', Connection: 'close', 'Transfer-Encoding': 'chunked' } }, []],
  ])('%s', (_what, result, headers) => {
    const r = ok(v2(result));
    expect(r.headers.filter(([n]) => n !== 'content-type')).toEqual(headers);
  });

  it('defaults Content-Type to application/json on structured results', () => {
    expect(ok(v2({ statusCode: 200, body: 'x' })).headers).toEqual([['content-type', 'application/json']]);
  });

  it.each([
    ['not JSON', 'hello'],
    ['empty', ''],
    ['statusCode not a status', { statusCode: 'abc' }],
    ['statusCode 0', { statusCode: 0 }],
    ['statusCode 700', { statusCode: 700 }],
    ['body an object', { statusCode: 200, body: { a: 1 } }],
    ['headers a list', { statusCode: 200, headers: ['a'] }],
    ['a header value an object', { statusCode: 200, headers: { a: { b: 1 } } }],
    ['cookies not a list', { statusCode: 200, cookies: 'a=1' }],
    ['invalid base64', { statusCode: 200, body: 'not base64!', isBase64Encoded: true }],
    ['isBase64Encoded not a boolean', { statusCode: 200, body: 'eA==', isBase64Encoded: 'yes' }],
  ])('malformed: %s', (_what, payload) => {
    expect(v2(payload)).toMatchObject({ ok: false, reason: 'malformed' });
  });
});

describe('payload 1.0 results', () => {
  const rest = (payload: unknown, accept?: string, binaryMediaTypes: string[] = []) =>
    responseFromV1(Buffer.from(JSON.stringify(payload)), { ...PROFILES.rest.v1Result, accept, binaryMediaTypes });
  const http = (payload: unknown) => responseFromV1(Buffer.from(JSON.stringify(payload)), { ...PROFILES.http.v1Result, binaryMediaTypes: [] });

  it('merges headers and multiValueHeaders; a pair in both appears once', () => {
    const r = ok(rest({ statusCode: 200, headers: { 'X-A': 'one', 'X-B': 'b' }, multiValueHeaders: { 'x-a': ['one', 'two'], 'Set-Cookie': ['a=1', 'b=2'] }, body: '' }));
    expect(r.headers).toEqual([
      ['content-type', 'application/json'],
      ['X-B', 'b'],
      ['x-a', 'one'],
      ['x-a', 'two'],
      ['Set-Cookie', 'a=1'],
      ['Set-Cookie', 'b=2'],
    ]);
  });

  it.each([
    ['a string', 'hello'],
    ['a number', 2],
    ['a list', ['a']],
    ['null', null],
    ['no statusCode', { body: 'x' }],
    ['a body object', { statusCode: 200, body: { a: 1 } }],
  ])('REST and HTTP 1.0 refuse %s', (_what, payload) => {
    expect(rest(payload)).toMatchObject({ ok: false, reason: 'malformed' });
    expect(http(payload)).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it.each([['cookies'], ['extra'], ['base64Encoded']])('REST refuses the extra key %s; HTTP API 1.0 ignores it', (key) => {
    const payload = { statusCode: 200, body: 'x', [key]: 'v' };
    expect(rest(payload)).toMatchObject({ ok: false, reason: 'malformed' });
    expect(ok(http(payload)).body).toBe('x');
  });

  it('HTTP API 1.0 decodes base64 whenever the flag is true', () => {
    expect(ok(http({ statusCode: 200, body: 'aGk=', isBase64Encoded: true })).body).toBe('hi');
  });

  it.each([
    // [accept, response content-type, binaryMediaTypes, decoded?]
    ['image/png', 'image/png', ['image/png'], true],
    ['image/png', 'image/png', ['image/*'], true],
    ['*/*', 'image/png', ['image/png'], false],
    ['text/html,image/png', 'image/png', ['image/png'], false],
    [undefined, 'image/png', ['image/png'], true],
    ['*/*', 'image/png', ['*/*'], true],
    ['image/png', 'image/png', [], false],
  ] as Array<[string | undefined, string, string[], boolean]>)('REST with Accept %s, Content-Type %s, binary types %j: decoded %s', (accept, contentType, types, decoded) => {
    expect(restDecodesBinary(accept, contentType, types)).toBe(decoded);
    const r = ok(rest({ statusCode: 200, headers: { 'Content-Type': contentType }, body: 'aGk=', isBase64Encoded: true }, accept, types));
    expect(r.body).toBe(decoded ? 'hi' : 'aGk=');
  });

  it('REST with binary support and invalid base64 is a configuration error', () => {
    expect(rest({ statusCode: 200, body: '***', isBase64Encoded: true }, 'image/png', ['image/png'])).toMatchObject({ ok: false, reason: 'bad-base64' });
  });
});

describe('gateway errors', () => {
  it.each([
    ['rest', 'no-route', 403, '{"message":"Missing Authentication Token"}'],
    ['rest', 'no-stage', 403, '{"message":"Forbidden"}'],
    ['rest', 'integration-failure', 502, '{"message": "Internal server error"}'],
    ['rest', 'invocation-rejected', 500, '{"message": "Internal server error"}'],
    ['rest', 'integration-timeout', 504, '{"message": "Endpoint request timed out"}'],
    ['rest', 'configuration-error', 500, '{"message": "Internal server error"}'],
    ['http', 'no-route', 404, '{"message":"Not Found"}'],
    ['http', 'integration-failure', 500, '{"message":"Internal Server Error"}'],
    ['http', 'invocation-rejected', 500, '{"message":"Internal Server Error"}'],
    ['http', 'integration-timeout', 503, '{"message":"Service Unavailable"}'],
    ['http', 'payload-too-large', 413, '{"message":"Request Entity Too Large"}'],
  ] as const)('%s %s → %i %s', (kind, reason, status, body) => {
    const r = gatewayError(PROFILES[kind], reason);
    expect(r.statusCode).toBe(status);
    expect(r.body.toString()).toBe(body);
  });

  it('REST names the error type of a missing route', () => {
    expect(gatewayError(PROFILES.rest, 'no-route').headers).toContainEqual(['x-amzn-ErrorType', 'MissingAuthenticationTokenException']);
  });
});

describe('media types and base64', () => {
  it.each([
    ['image/png', ['image/png'], true],
    ['IMAGE/PNG; x=y', ['image/png'], true],
    ['image/png', ['image/*'], true],
    ['image/png', ['*/*'], true],
    ['image/png', ['image/jpeg'], false],
    ['', ['image/*'], false],
    ['', ['*/*'], true],
  ])('%s matches %j: %s', (type, patterns, expected) => {
    expect(matchesMediaType(type, patterns)).toBe(expected);
  });

  it.each([
    ['aGk=', 'hi'],
    ['aGk', 'hi'],
    ['aGVsbG8=\n', 'hello'],
    ['', ''],
  ])('decodes %j', (text, expected) => {
    expect(decodeBase64(text)?.toString()).toBe(expected);
  });

  it.each([['a'], ['aGk=='], ['a-b_'], ['aGk=x'], ['!!!!']])('refuses %j', (text) => {
    expect(decodeBase64(text)).toBeUndefined();
  });
});
