// Property tests through the real API Gateway server: random requests over HTTP reach an echoing function as schema-valid events that keep path, query, headers, cookies and body bytes, and binary answers come back byte for byte.
import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { Client } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiGatewayServer } from '../../apigw/index.js';
import { api, capturingLogger, inProcessInvoker, route, startWith } from '../apigw/helpers.js';
import { PROTOTYPE_KEYS, mixedText, percentEncode, runs, schemaProblems } from './fuzz.js';

/** The four APIs under test: where each is mounted, its payload format, and how it treats binary bodies. */
const TARGETS = {
  /** HTTP API, `$default` stage at the root, payload 2.0. */
  http: { prefix: '', fn: 'Http', format: '2.0', kind: 'http', binary: [] as string[] },
  /** HTTP API, stage `v1`, payload 1.0. */
  httpV1: { prefix: '/v1', fn: 'HttpV1', format: '1.0', kind: 'http', binary: [] as string[] },
  /** REST API whose binary media types are `*\/*`: every body is binary both ways. */
  rest: { prefix: '/Prod', fn: 'Rest', format: '1.0', kind: 'rest', binary: ['*/*'] },
  /** REST API with a few binary media types: other bodies are text, and binary answers depend on Accept. */
  restText: { prefix: '/Text', fn: 'RestText', format: '1.0', kind: 'rest', binary: ['application/octet-stream', 'image/*'] },
} as const;
type TargetName = keyof typeof TARGETS;
const STAGE_SEGMENTS = new Set(['v1', 'Prod', 'Text']);

/** The bytes a function decodes from an event's body. */
const bodyBytes = (e: { body?: string | null; isBase64Encoded: boolean }) =>
  e.body === undefined || e.body === null ? Buffer.alloc(0) : Buffer.from(e.body, e.isBase64Encoded ? 'base64' : 'utf8');

/** Every function echoes the body bytes it decoded, as a base64 binary answer. */
const received: any[] = [];
const echo = (name: string) =>
  inProcessInvoker((event) => {
    received.push(event);
    return { statusCode: 200, headers: { 'content-type': 'application/octet-stream', 'x-fuzz-fn': name }, body: bodyBytes(event).toString('base64'), isBase64Encoded: true };
  }, name);

// ---------------------------------------------------------------------------------------------
// Requests: every part is generated decoded, then encoded one of several legal ways; the oracle
// works from the decoded parts, so it never repeats the gateway's own parsing.

/** Characters a request target may carry raw (RFC 3986 pchar minus `%`); everything else is percent-encoded. */
const RAW_OK = /^[A-Za-z0-9\-._~!$&'()*+,;=:@]$/;
/** How one piece of a URL is encoded: only what must be, every non-unreserved character, or every character; hex in either case. */
const encoding = fc.record({ style: fc.constantFrom('minimal', 'component', 'everything'), lowerHex: fc.boolean() });
type Encoding = typeof encoding extends fc.Arbitrary<infer T> ? T : never;
function encodePiece(text: string, { style, lowerHex }: Encoding, mustEncode: RegExp): string {
  return [...text]
    .map((c) => {
      const raw = style === 'minimal' ? RAW_OK.test(c) && !mustEncode.test(c) : style === 'component' ? /^[A-Za-z0-9\-._~]$/.test(c) : false;
      return raw ? c : percentEncode(c, lowerHex);
    })
    .join('');
}

const segment = fc.tuple(fc.oneof({ weight: 4, arbitrary: mixedText(8) }, { weight: 1, arbitrary: fc.constantFrom('/', 'a/b', '+', ' ', '%', '..', '.', 'Prod', 'v1', '%2F', 'é/ü') }), encoding);
const queryKey = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('a', 'b', 'a b', 'ключ', 'x+y', 'k=v', 'a&b', '%') },
  { weight: 1, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS) },
  { weight: 2, arbitrary: mixedText(6).filter((s) => s !== '') },
);
const queryPair = fc.record({ key: queryKey, value: mixedText(10), bare: fc.boolean(), encoding, rawPlus: fc.boolean() });

/** Header names: a few repeated in several spellings, the names on `Object.prototype`, and random tokens. */
const customHeaderName = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('X-Fuzz-A', 'x-fuzz-a', 'X-FUZZ-A', 'X-Fuzz-B', 'x-fuzz-c') },
  { weight: 1, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS) },
  { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom(...'abcxyzABC019!#$&\'*+.^_`|~-'.split('')), minLength: 1, maxLength: 8 }).map((t) => `x-z-${t}`) },
);
/** Values as a client may send them: visible Latin-1 and spaces inside, no surrounding whitespace (HTTP strips it). */
const headerValue = fc
  .string({ unit: fc.integer({ min: 0x20, max: 0xff }).filter((c) => c !== 0x7f).map((c) => String.fromCharCode(c)), maxLength: 24 })
  .map((s) => s.trim());

const cookieOctet = fc.constantFrom(...'abcXYZ019!#$%&\'()*+-./:<=>?@[]^_`{|}~'.split(''));
const cookie = fc
  .tuple(fc.oneof(fc.string({ unit: fc.constantFrom(...'abcXYZ019-_.'.split('')), minLength: 1, maxLength: 6 }), fc.constantFrom(...PROTOTYPE_KEYS)), fc.string({ unit: cookieOctet, maxLength: 10 }))
  .map(([name, value]) => `${name}=${value}`);

const contentType = fc.constantFrom(
  undefined,
  'text/plain',
  'text/plain; charset=utf-8',
  'Text/HTML',
  'application/json',
  'application/xml',
  'application/octet-stream',
  'image/png',
  'IMAGE/JPEG',
  'multipart/form-data; boundary=fuzz',
  'application/x-www-form-urlencoded',
  'application/vnd.api+json',
);
const accept = fc.constantFrom(undefined, '*/*', 'application/octet-stream', 'image/webp,image/*;q=0.8', 'application/json', 'text/html, image/png');

const body = fc.oneof(
  { weight: 1, arbitrary: fc.constant(Buffer.alloc(0)) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 60 }).map((s) => Buffer.from(s, 'utf8')) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null', 'utf8')) },
  { weight: 3, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)) },
);

const wellFormedRequest = fc.record({
  target: fc.constantFrom<TargetName>('http', 'httpV1', 'rest', 'restText'),
  method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'),
  segments: fc.array(segment, { maxLength: 4 }),
  trailingSlash: fc.boolean(),
  query: fc.option(fc.array(queryPair, { maxLength: 6 }), { nil: undefined }),
  headers: fc.array(fc.tuple(customHeaderName, headerValue), { maxLength: 6 }),
  cookieHeaders: fc.array(fc.tuple(fc.constantFrom('Cookie', 'cookie'), fc.array(cookie, { minLength: 1, maxLength: 3 })), { maxLength: 3 }),
  contentType,
  accept,
  body,
});
type WellFormed = typeof wellFormedRequest extends fc.Arbitrary<infer T> ? T : never;

/** The request target as sent; the full path decoded; the raw path below the stage prefix (what REST reports). */
function targetOf(r: WellFormed): { path: string; decodedPath: string; rawStagePath: string; rawQuery?: string } {
  const pieces = r.segments.map(([text, enc], i) => {
    // A first segment spelling a stage would move the request to another API.
    const safe = i === 0 && r.target === 'http' && STAGE_SEGMENTS.has(encodePiece(text, enc, /[/?#%]/)) ? `_${text}` : text;
    return { decoded: safe, encoded: encodePiece(safe, enc, /[/?#%]/) };
  });
  const prefix = TARGETS[r.target].prefix;
  const slash = r.trailingSlash && pieces.length > 0 ? '/' : '';
  const below = pieces.length === 0 ? '' : `/${pieces.map((p) => p.encoded).join('/')}${slash}`;
  const decodedBelow = pieces.length === 0 ? '' : `/${pieces.map((p) => p.decoded).join('/')}${slash}`;
  const path = prefix === '' && below === '' ? '/' : `${prefix}${below}`;
  const decodedPath = prefix === '' && decodedBelow === '' ? '/' : `${prefix}${decodedBelow}`;
  const rawStagePath = below === '' ? '/' : below;
  if (r.query === undefined) return { path, decodedPath, rawStagePath };
  const rawQuery = r.query
    .map((q) => {
      const key = encodePiece(q.key, q.encoding, /[&=#%+]/);
      const value = q.rawPlus ? q.value.split('+').map((v) => encodePiece(v, q.encoding, /[&=#%+]/)).join('+') : encodePiece(q.value, q.encoding, /[&=#%+]/);
      return q.bare && q.value === '' ? key : `${key}=${value}`;
    })
    .join('&');
  return { path: `${path}?${rawQuery}`, decodedPath, rawStagePath, rawQuery };
}

/** The request's header lines, in order (undici adds Host and Content-Length). */
function headerLinesOf(r: WellFormed): Array<[string, string]> {
  const lines: Array<[string, string]> = [...r.headers];
  for (const [name, cookies] of r.cookieHeaders) lines.push([name, cookies.join('; ')]);
  if (r.contentType !== undefined) lines.push(['Content-Type', r.contentType]);
  if (r.accept !== undefined) lines.push(['Accept', r.accept]);
  return lines;
}

const mediaType = (t: string) => t.split(';')[0]!.trim().toLowerCase();
function matchesAny(type: string, patterns: readonly string[]): boolean {
  const [major = '', minor = ''] = mediaType(type).split('/');
  return major !== '' && patterns.some((p) => {
    const [pMajor, pMinor] = mediaType(p).split('/');
    return (pMajor === '*' || pMajor === major) && (pMinor === '*' || pMinor === minor);
  });
}
const HTTP_TEXT = (ct: string | undefined) => ct !== undefined && (mediaType(ct).startsWith('text/') || ['application/json', 'application/xml', 'application/javascript'].includes(mediaType(ct)));

/** The bytes the function should decode: exact, except a REST text conversion of bytes that are not UTF-8. */
function deliveredBytes(r: WellFormed): Buffer {
  const t = TARGETS[r.target];
  if (t.kind === 'rest' && !(t.binary.includes('*/*' as never) || (r.contentType !== undefined && matchesAny(r.contentType, t.binary)))) {
    return Buffer.from(r.body.toString('utf8'), 'utf8');
  }
  return r.body;
}

/** Does the client get the function's base64 answer decoded? Always for HTTP APIs; REST by `*\/*` or by the first Accept type (else the answer's Content-Type). */
function clientGetsBytes(r: WellFormed): boolean {
  const t = TARGETS[r.target];
  if (t.kind === 'http' || t.binary.includes('*/*' as never)) return true;
  const first = r.accept ? r.accept.split(',')[0]! : 'application/octet-stream';
  return matchesAny(first, t.binary);
}

/** What a query looks like to the function: keys with their values in order. */
function expectedQuery(r: WellFormed): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const q of r.query ?? []) out.set(q.key, [...(out.get(q.key) ?? []), q.value]);
  return out;
}

// ---------------------------------------------------------------------------------------------

describe('random requests through the real server', () => {
  const apis = {
    http: api('http', { logicalId: 'FuzzHttpApi' }),
    httpV1: api('http', { logicalId: 'FuzzHttpV1Api', stageName: 'v1' }),
    rest: api('rest', { logicalId: 'FuzzRestApi', stageName: 'Prod', binaryMediaTypes: [...TARGETS.rest.binary] }),
    restText: api('rest', { logicalId: 'FuzzRestTextApi', stageName: 'Text', binaryMediaTypes: [...TARGETS.restText.binary] }),
  };
  const invokers = { Http: echo('Http'), HttpV1: echo('HttpV1'), Rest: echo('Rest'), RestText: echo('RestText') };
  const { logger, records } = capturingLogger();
  let server: ApiGatewayServer;
  // undici's Client sends the request target byte for byte; the top-level `request` would pass it
  // through WHATWG URL parsing first, which resolves `.`/`%2e` segments and re-encodes characters.
  let client: Client;

  beforeAll(async () => {
    server = await startWith(
      Object.values(apis),
      [
        route(apis.http, '$default', 'Http'),
        route(apis.httpV1, '$default', 'HttpV1', '1.0'),
        route(apis.rest, 'ANY /', 'Rest'),
        route(apis.rest, 'ANY /{proxy+}', 'Rest'),
        route(apis.restText, 'ANY /', 'RestText'),
        route(apis.restText, 'ANY /{proxy+}', 'RestText'),
      ],
      invokers,
      { logger },
    );
    client = new Client(server.url, { keepAliveTimeout: 10_000 });
  });
  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  async function send(method: string, path: string, headers: Array<[string, string]>, payload: Buffer) {
    const res = await client.request({ method, path, headers: headers.flat(), body: payload.length > 0 ? payload : null });
    const bytes = Buffer.from(await res.body.arrayBuffer());
    return { status: res.statusCode, headers: res.headers, body: bytes };
  }

  /** Sends one well-formed request and hands the response and the one event the function received to the check. */
  function forEveryRequest(check: (r: WellFormed, event: any, res: Awaited<ReturnType<typeof send>>) => void, numRuns = 250): Promise<void> {
    return fc.assert(
      fc.asyncProperty(wellFormedRequest, async (r) => {
        const before = received.length;
        const errorsBefore = records.filter((l) => l.level >= 50).length;
        const res = await send(r.method, targetOf(r).path, headerLinesOf(r), r.body);
        expect(records.filter((l) => l.level >= 50).slice(errorsBefore).map((l) => l.msg), 'the gateway logged no error').toEqual([]);
        expect(res.status, `status of ${r.method} ${targetOf(r).path}: ${res.body.toString('utf8').slice(0, 80)}`).toBe(200);
        expect(received.length - before, 'the function ran exactly once').toBe(1);
        expect(res.headers['x-fuzz-fn']).toBe(TARGETS[r.target].fn);
        check(r, received.at(-1), res);
      }),
      runs(numRuns),
    );
  }

  it('answers every well-formed request through its function with a schema-valid event', async () => {
    await forEveryRequest((r, event) => {
      expect(schemaProblems(event), 'the event is valid against Powertools\' schema').toEqual([]);
      expect(event.version === '2.0' ? event.requestContext.http.method : event.httpMethod).toBe(r.method);
    }, 300);
  });

  it('delivers the body bytes the client sent, and returns the function\'s base64 answer byte for byte', async () => {
    await forEveryRequest((r, event, res) => {
      const t = TARGETS[r.target];
      const delivered = deliveredBytes(r);
      expect(bodyBytes(event).equals(delivered), `the function decodes the ${r.body.length} bytes sent (${event.isBase64Encoded ? 'base64' : 'text'})`).toBe(true);
      if (r.body.length === 0) expect(event.body ?? null).toBeNull();
      else if (t.kind === 'http') expect(event.isBase64Encoded, 'HTTP API sends UTF-8 text media types as text, the rest as base64').toBe(!(HTTP_TEXT(r.contentType) && isUtf8(r.body)));
      if (r.method === 'HEAD') expect(res.body.length).toBe(0);
      else if (clientGetsBytes(r)) expect(res.body.equals(delivered), 'the client gets the bytes back').toBe(true);
      else expect(res.body.toString('utf8'), 'REST without binary support returns the base64 text').toBe(delivered.toString('base64'));
    });
  });

  it('keeps the path: decoded in HTTP API rawPath, as sent in REST path, decoded in {proxy+}', async () => {
    await forEveryRequest((r, event) => {
      const t = TARGETS[r.target];
      const { decodedPath, rawStagePath } = targetOf(r);
      if (t.kind === 'http') {
        const rawPath = event.version === '2.0' ? event.rawPath : event.path;
        expect(rawPath).toBe(decodedPath);
        if (event.version === '2.0') expect(event.requestContext.http.path).toBe(rawPath);
      } else {
        expect(event.path).toBe(rawStagePath);
        expect(event.requestContext.path).toBe(`${t.prefix}${rawStagePath}`);
        // REST drops one trailing slash before matching; `{proxy+}` is the rest, decoded.
        const stripped = rawStagePath.length > 1 && rawStagePath.endsWith('/') ? rawStagePath.slice(0, -1) : rawStagePath;
        const matchedRoot = stripped === '/';
        expect(event.resource).toBe(matchedRoot ? '/' : '/{proxy+}');
        if (!matchedRoot) expect(event.pathParameters).toEqual({ proxy: decodeURIComponent(stripped.slice(1)) });
      }
    });
  });

  it('keeps every query value: 2.0 comma-joins repeated keys, 1.0 gives the last and every value; rawQueryString is as sent', async () => {
    await forEveryRequest((r, event) => {
      const query = expectedQuery(r);
      if (event.version === '2.0') {
        expect(event.rawQueryString).toBe(targetOf(r).rawQuery ?? '');
        expect(Object.keys(event.queryStringParameters ?? {}).sort()).toEqual([...query.keys()].sort());
        for (const [key, values] of query) expect(event.queryStringParameters?.[key], `query "${key}"`).toBe(values.join(','));
      } else {
        expect(Object.keys(event.multiValueQueryStringParameters ?? {}).sort()).toEqual([...query.keys()].sort());
        for (const [key, values] of query) {
          expect(event.queryStringParameters?.[key], `query "${key}"`).toBe(values.at(-1));
          expect(event.multiValueQueryStringParameters?.[key], `query "${key}"`).toEqual(values);
        }
      }
    });
  });

  it('keeps repeated headers and every cookie: 2.0 joins headers with commas and lists cookies; 1.0 gives the last and every value', async () => {
    await forEveryRequest((r, event) => {
      const lines = headerLinesOf(r).filter(([n]) => !['content-type', 'accept'].includes(n.toLowerCase()));
      const v2 = event.version === '2.0';
      const rest = TARGETS[r.target].kind === 'rest';
      const byName = new Map<string, { key: string; values: string[] }>();
      for (const [name, value] of lines) {
        const lower = name.toLowerCase();
        if (v2 && lower === 'cookie') continue;
        const entry = byName.get(lower) ?? { key: rest ? name : lower, values: [] };
        entry.values.push(value);
        byName.set(lower, entry);
      }
      for (const { key, values } of byName.values()) {
        expect(Object.hasOwn(event.headers ?? {}, key), `header "${key}" is an own key of headers`).toBe(true);
        if (v2) expect(event.headers[key], `header "${key}"`).toBe(values.join(','));
        else {
          expect(event.headers?.[key], `header "${key}"`).toBe(values.at(-1));
          expect(event.multiValueHeaders?.[key], `header "${key}"`).toEqual(values);
        }
      }
      if (v2) {
        expect(event.cookies ?? []).toEqual(r.cookieHeaders.flatMap(([, cookies]) => cookies));
        expect(event.headers.cookie).toBeUndefined();
      }
    });
  });
});

// Requests a client should not send but can: odd methods, raw Latin-1 and broken escapes in the
// target, junk header names. The gateway must still answer each one (its JSON error or the function).

const junkPath = fc
  .tuple(
    fc.constantFrom('', '/v1', '/Prod', '/Text', '/Prod/', '//'),
    fc.string({ unit: fc.oneof(fc.integer({ min: 0x21, max: 0xff }).map((c) => String.fromCharCode(c)), fc.constantFrom('%', '%2', '%zz', '%C3', '%E0%A4', '%00', '%2F', '%2e%2e', '/', '?', '#')), maxLength: 24 }),
  )
  .map(([prefix, rest]) => `${prefix}/${rest}`);
const junkRequest = fc.record({
  method: fc.constantFrom('GET', 'POST', 'HEAD', 'OPTIONS', 'DELETE', 'PROPFIND', 'TRACE', 'FOO', 'get'),
  path: junkPath,
  headers: fc.array(
    fc.tuple(
      fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS, 'Cookie', 'Content-Type', 'Accept', 'X-Forwarded-For', 'X-Amzn-Trace-Id', 'Origin', 'Access-Control-Request-Method', 'Content-Encoding'), fc.string({ unit: fc.constantFrom(...'ab!#$%&\'*+.^_`|~-'.split('')), minLength: 1, maxLength: 6 })),
      headerValue,
    ),
    { maxLength: 6 },
  ),
  host: fc.option(fc.constantFrom('example.com', 'api.example.com:8443', '', '[::1]:3000', 'ünï.example', 'a b', '127.0.0.1:1'), { nil: undefined }),
  body: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
});

describe('junk requests through the real server', () => {
  const apis = [api('http', { logicalId: 'JunkHttp' }), api('http', { logicalId: 'JunkV1', stageName: 'v1' }), api('rest', { logicalId: 'JunkRest', stageName: 'Prod', binaryMediaTypes: ['image/*'] })];
  const { logger, records } = capturingLogger();
  let server: ApiGatewayServer;
  let client: Client;
  const fn = echo('Junk');
  beforeAll(async () => {
    server = await startWith(
      apis,
      [route(apis[0]!, '$default', 'Junk'), route(apis[1]!, '$default', 'Junk', '1.0'), route(apis[2]!, 'ANY /{proxy+}', 'Junk'), route(apis[2]!, 'GET /', 'Junk')],
      { Junk: fn },
      { logger },
    );
    client = new Client(server.url);
  });
  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  it('answers every request with the function\'s answer or a JSON gateway error, never failing inside', async () => {
    await fc.assert(
      fc.asyncProperty(junkRequest, async (r) => {
        const before = received.length;
        const errorsBefore = records.filter((l) => l.level >= 50).length;
        const res = await client.request({
          method: r.method,
          path: r.path,
          headers: [...r.headers, ...(r.host === undefined ? [] : [['Host', r.host]])].flat(),
          body: r.body.length > 0 && r.method !== 'HEAD' ? r.body : null,
        });
        const bytes = Buffer.from(await res.body.arrayBuffer());
        expect(records.filter((l) => l.level >= 50).slice(errorsBefore).map((l) => l.msg), 'the gateway logged no error').toEqual([]);
        const invoked = received.length - before;
        expect(invoked).toBeLessThanOrEqual(1);
        if (invoked === 1) {
          expect(res.statusCode).toBe(200);
          expect(schemaProblems(received.at(-1)), 'the event is valid against Powertools\' schema').toEqual([]);
        } else if (r.method !== 'HEAD') {
          // Not routed (odd method, path outside every stage): the gateway's own JSON answer.
          expect([400, 403, 404]).toContain(res.statusCode);
          expect(JSON.parse(bytes.toString('utf8'))).toHaveProperty('message');
        }
      }),
      runs(300),
    );
  });
});
