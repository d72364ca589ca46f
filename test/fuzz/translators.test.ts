// Property tests of the pure translators: random captured requests always give schema-valid events that keep headers, query, cookies and body bytes; random Lambda results always give a response or the gateway's error.
import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  PROFILES,
  buildEventV1,
  buildEventV2,
  compileRoutes,
  matchRequest,
  responseFromV1,
  responseFromV2,
  type GatewayRequest,
  type GatewaySettings,
  type IntegrationMatch,
  type ParsedResult,
  type RequestIdentity,
} from '../../apigw/index.js';
import type { ApiSpec } from '../../src/core/model.js';
import { api, route } from '../apigw/helpers.js';
import { PROTOTYPE_KEYS, jsonRoundTrips, mixedText, percentEncode, runs, schemaProblems } from './fuzz.js';

// ---------------------------------------------------------------------------------------------
// Requests

/** Headers the gateway writes itself (values replaced or appended to), left out of the header oracle. */
const GATEWAY_SET = new Set(['x-forwarded-for', 'x-forwarded-port', 'x-forwarded-proto', 'x-amzn-trace-id']);

const token = fc.string({ unit: fc.constantFrom(...'abcdefxyzABCXYZ0129!#$&\'*+.^_`|~-'.split('')), minLength: 1, maxLength: 10 });
const randomCase = (name: string) =>
  fc.array(fc.boolean(), { minLength: name.length, maxLength: name.length }).map((flips) => [...name].map((c, i) => (flips[i] ? c.toUpperCase() : c.toLowerCase())).join(''));

const headerName = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('Host', 'User-Agent', 'Content-Type', 'Cookie', 'Accept', 'Origin', 'X-Forwarded-For', 'X-Amzn-Trace-Id', 'X-Dup').chain(randomCase) },
  { weight: 2, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS) },
  { weight: 3, arbitrary: token },
);
/** Header values as Node hands them over: Latin-1 text, trimmed; sometimes anything at all. */
const headerValue = fc.oneof(
  { weight: 5, arbitrary: fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).filter((c) => c !== 0x7f).map((c) => String.fromCharCode(c)), maxLength: 20 }).map((s) => s.trim()) },
  { weight: 1, arbitrary: fc.constantFrom('', 'Root=1-5e1b4151-5ac6c58f5b5daa6a3c5d5b5b', 'a=1; b=2;;  c', 'text/plain; charset=utf-8', 'application/json', 'image/png') },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
);

/** A query key or value: written raw, percent-encoded, or with broken escapes. */
const queryPart = fc.oneof(
  { weight: 3, arbitrary: fc.oneof(mixedText(8), fc.constantFrom(...PROTOTYPE_KEYS)).map((s) => [...s].map((c) => (/[A-Za-z0-9._~-]/.test(c) ? c : percentEncode(c))).join('')) },
  { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom(...'ab+%2F%zz=,;/?é '.split('')), maxLength: 8 }) },
  { weight: 1, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS, '', '%', '%E0%A4', '+', 'a+b', '%2B') },
);
const rawQuery = fc
  .array(fc.tuple(queryPart, fc.option(queryPart, { nil: undefined })), { maxLength: 6 })
  .map((pairs) => pairs.map(([k, v]) => (v === undefined ? k : `${k}=${v}`)).join('&'));

const pathText = fc.oneof(
  { weight: 3, arbitrary: fc.array(fc.oneof(mixedText(6).map((s) => [...s].map((c) => (/[A-Za-z0-9._~-]/.test(c) ? c : percentEncode(c))).join('')), fc.constantFrom('Prod', 'v1', 'items', '', '.', '..', '%2F', '%2f', '%', '%zz', '%C3', '+')), { maxLength: 5 }).map((segs) => `/${segs.join('/')}`) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }).map((s) => `/${s}`) },
  { weight: 1, arbitrary: fc.constantFrom('/', '//', '/Prod', '/Prod/', '/v1', 'http://example.com/Prod/x', 'https://h', '*', '') },
);
const url = fc.tuple(pathText, fc.option(rawQuery, { nil: undefined })).map(([p, q]) => (q === undefined ? p : `${p}?${q}`));

const body = fc.oneof(
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => Buffer.from(s, 'utf8')) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null')) },
  { weight: 1, arbitrary: fc.constant(Buffer.alloc(0)) },
);

const sourceIp = fc.oneof(
  fc.ipV4(),
  fc.ipV6(),
  fc.ipV4().map((ip) => `::ffff:${ip}`),
  fc.constantFrom('127.0.0.1', '::1', ''),
);

const contentType = fc.constantFrom(undefined, 'text/plain', 'Text/Plain; charset=utf-8', 'application/json', 'application/xml', 'application/javascript', 'application/octet-stream', 'image/png', 'IMAGE/JPEG', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/vnd.api+json', ';', '*/*');

const request: fc.Arbitrary<GatewayRequest> = fc
  .record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'),
    url,
    headers: fc.array(fc.tuple(headerName, headerValue), { maxLength: 8 }),
    contentType,
    body,
    sourceIp,
    httpVersion: fc.constantFrom('1.0', '1.1', '2.0'),
    scheme: fc.constantFrom('http' as const, 'https' as const),
    localPort: fc.integer({ min: 0, max: 65535 }),
  })
  .map((r) => ({
    method: r.method,
    url: r.url,
    rawHeaders: [...r.headers, ...(r.contentType === undefined ? [] : [['Content-Type', r.contentType] as [string, string]])].flat(),
    body: r.body,
    sourceIp: r.sourceIp,
    httpVersion: r.httpVersion,
    scheme: r.scheme,
    localPort: r.localPort,
  }));

const stringMap = fc.dictionary(fc.oneof(token, fc.constantFrom(...PROTOTYPE_KEYS)), fc.string({ maxLength: 8 }), { maxKeys: 3 });
const mediaTypes = fc.array(fc.constantFrom('*/*', 'image/*', 'image/png', 'application/octet-stream', 'application/json', 'text/plain', 'multipart/form-data'), { maxLength: 3 });

/** Settings of one API of each kind: stage variables, binary media types, the HTTP API's stage and payload format. */
const apiSettings = fc.record({ httpVars: stringMap, restVars: stringMap, binary: mediaTypes, httpStage: fc.constantFrom('$default', 'v1'), v1: fc.boolean() });

type ApiSettings = typeof apiSettings extends fc.Arbitrary<infer T> ? T : never;

/** The two APIs, with routes that catch every path below their stage. */
function tableOf({ httpVars, restVars, binary, httpStage, v1 }: ApiSettings) {
  const http = api('http', { stageName: httpStage, stageVariables: httpVars });
  const rest = api('rest', { stageVariables: restVars, binaryMediaTypes: binary });
  const version = v1 ? '1.0' : '2.0';
  return compileRoutes(
    [http, rest],
    [route(http, 'GET /items/{id}', 'Items', version), route(http, 'ANY /{proxy+}', 'Proxy', version), route(http, '$default', 'Default', version), route(rest, 'ANY /', 'RestRoot'), route(rest, 'ANY /{proxy+}', 'RestProxy')],
  );
}

const identity = fc.record({
  requestId: fc.string({ maxLength: 36 }),
  extendedRequestId: fc.string({ maxLength: 16 }),
  traceId: fc.string({ maxLength: 60 }),
  timeEpochMs: fc.integer({ min: 0, max: 4_102_444_800_000 }),
});
const settings = fc.record({ accountId: fc.string({ maxLength: 12 }), region: fc.string({ maxLength: 14 }) });

// The oracle: AWS's documented rules, written out independently of the gateway's code.

function pairs(rawHeaders: readonly string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) out.push([rawHeaders[i]!, rawHeaders[i + 1]!]);
  return out;
}
const decodeOrKeep = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};
/** The query as `key → values in order`: split on `&`, then on the first `=`, percent-decoded, `+` kept, empty keys dropped. */
function expectedQuery(url: string): Map<string, string[]> {
  const q = url.indexOf('?');
  const out = new Map<string, string[]>();
  if (q === -1) return out;
  for (const part of url.slice(q + 1).split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = decodeOrKeep(eq === -1 ? part : part.slice(0, eq));
    if (key === '') continue;
    out.set(key, [...(out.get(key) ?? []), eq === -1 ? '' : decodeOrKeep(part.slice(eq + 1))]);
  }
  return out;
}
const isHttpText = (ct: string | undefined) => {
  const type = (ct ?? '').split(';')[0]!.trim().toLowerCase();
  return type.startsWith('text/') || ['application/json', 'application/xml', 'application/javascript'].includes(type);
};

const mediaType = (t: string) => t.split(';')[0]!.trim().toLowerCase();
/** REST's rule: `*\/*` makes every body binary, else the Content-Type must match a binary media type (wildcards honoured). */
function isRestBinary(contentType: string | undefined, binary: readonly string[]): boolean {
  if (binary.some((t) => mediaType(t) === '*/*')) return true;
  if (contentType === undefined) return false;
  const [major = '', minor = ''] = mediaType(contentType).split('/');
  return binary.some((t) => {
    const [pMajor, pMinor] = mediaType(t).split('/');
    return (pMajor === '*' || pMajor === major) && (pMinor === '*' || pMinor === minor) && major !== '';
  });
}

/** The bytes a function decodes from an event's body. */
const bodyBytes = (e: { body?: string | null; isBase64Encoded: boolean }) =>
  e.body === undefined || e.body === null ? Buffer.alloc(0) : Buffer.from(e.body, e.isBase64Encoded ? 'base64' : 'utf8');

/** A request routed through the two APIs, and the event its route's payload format gives; undefined when no route matches. */
function eventOf(req: GatewayRequest, apis: ApiSettings, id: RequestIdentity, s: GatewaySettings): { match: IntegrationMatch; event: any } | undefined {
  const match = matchRequest(tableOf(apis), req.method, req.url.split('?')[0]!);
  if (match.kind !== 'integration') return undefined;
  const event = match.route.payloadFormatVersion === '2.0' ? buildEventV2(req, match, id, s) : buildEventV1(req, match, id, s);
  return { match, event };
}

/** Runs a check over random requests routed through random APIs. */
function forEveryEvent(check: (req: GatewayRequest, match: IntegrationMatch, event: any) => void, numRuns = 300): void {
  fc.assert(
    fc.property(request, apiSettings, identity, settings, (req, apis, id, s) => {
      const built = eventOf(req, apis, id, s);
      if (built) check(req, built.match, built.event);
    }),
    runs(numRuns),
  );
}

const contentTypeOf = (req: GatewayRequest) => pairs(req.rawHeaders).find(([n]) => n.toLowerCase() === 'content-type')?.[1];

describe('request → event translators under random requests', () => {
  it('give a schema-valid event that survives JSON serialisation, for any request', () => {
    forEveryEvent((_req, _match, event) => {
      expect(schemaProblems(event), 'the event is valid against Powertools\' schema').toEqual([]);
      expect(jsonRoundTrips(event), 'the event survives JSON serialisation unchanged').toBe(true);
    }, 500);
  });

  it('give a schema-valid event for any route match, even one the router would not make', () => {
    const anyApi: fc.Arbitrary<ApiSpec> = fc
      .record({ kind: fc.constantFrom('http' as const, 'rest' as const), stageName: fc.string({ maxLength: 6 }), stageVariables: stringMap, binaryMediaTypes: mediaTypes })
      .map(({ kind, ...rest }) => api(kind, rest));
    fc.assert(
      fc.property(request, anyApi, fc.constantFrom('1.0' as const, '2.0' as const), fc.string({ maxLength: 12 }), stringMap, identity, settings, (req, a, version, stagePath, params, id, s) => {
        const match: IntegrationMatch = { profile: PROFILES[a.kind], api: a, route: route(a, 'ANY /{proxy+}', 'Fn', a.kind === 'rest' ? '1.0' : version), stagePath, pathParameters: params };
        const event = match.route.payloadFormatVersion === '2.0' ? buildEventV2(req, match, id, s) : buildEventV1(req, match, id, s);
        expect(schemaProblems(event)).toEqual([]);
        expect(jsonRoundTrips(event)).toBe(true);
      }),
      runs(300),
    );
  });

  it('report an IP address as sourceIp for every peer address a socket can have (IPv4, IPv6, IPv4-mapped, link-local with a zone)', () => {
    const peer = fc.oneof(fc.ipV4(), fc.ipV6(), fc.ipV4().map((ip) => `::ffff:${ip}`), fc.tuple(fc.constantFrom('fe80::1', 'fe80::a00:27ff:fe4e:66a1'), fc.constantFrom('eth0', 'en0', '2')).map(([ip, zone]) => `${ip}%${zone}`));
    fc.assert(
      fc.property(peer, apiSettings, identity, settings, (ip, apis, id, s) => {
        const built = eventOf({ method: 'GET', url: '/', rawHeaders: [], body: Buffer.alloc(0), sourceIp: ip, httpVersion: '1.1', scheme: 'http', localPort: 3000 }, apis, id, s);
        if (!built) return;
        expect(schemaProblems(built.event), `sourceIp for peer ${ip}`).toEqual([]);
      }),
      runs(200),
    );
  });

  it('carry the body bytes exactly, base64 exactly when AWS\'s media-type rule says so', () => {
    forEveryEvent((req, match, event) => {
      const contentType = contentTypeOf(req);
      if (req.body.length === 0) {
        expect(event.body).toBe(event.version === '2.0' ? undefined : null);
        expect(event.isBase64Encoded).toBe(false);
      } else if (match.api.kind === 'rest') {
        expect(event.isBase64Encoded, 'REST base64s exactly the binary media types').toBe(isRestBinary(contentType, match.api.binaryMediaTypes));
        // A text conversion reads the bytes as UTF-8 (lossy when they are not).
        if (event.isBase64Encoded) expect(bodyBytes(event).equals(req.body), 'the body decodes to the bytes sent').toBe(true);
        else expect(event.body, 'a REST text body is the bytes read as UTF-8').toBe(req.body.toString('utf8'));
      } else {
        expect(event.isBase64Encoded, 'HTTP API sends UTF-8 text media types as text, the rest as base64').toBe(!(isHttpText(contentType) && isUtf8(req.body)));
        expect(bodyBytes(event).equals(req.body), 'the body decodes to the bytes sent').toBe(true);
      }
    });
  });

  it('keep every header: 2.0 lower-cases names and comma-joins repeats; 1.0 has the last value and every value', () => {
    forEveryEvent((req, match, event) => {
      const lines = pairs(req.rawHeaders);
      if (event.version === '2.0') {
        const joined = new Map<string, string[]>();
        for (const [name, value] of lines) {
          const key = name.toLowerCase();
          if (key === 'cookie' || GATEWAY_SET.has(key)) continue;
          joined.set(key, [...(joined.get(key) ?? []), value]);
        }
        for (const [key, values] of joined) {
          expect(Object.hasOwn(event.headers, key), `header "${key}" is an own key of headers`).toBe(true);
          expect(event.headers[key], `header "${key}"`).toBe(values.join(','));
        }
        expect(Object.keys(event.headers).filter((k) => k !== 'cookie' && !GATEWAY_SET.has(k)).sort()).toEqual([...joined.keys()].sort());
      } else {
        // REST keeps the first spelling of a name; HTTP API 1.0 lower-cases it.
        const seen = new Map<string, { key: string; values: string[] }>();
        for (const [name, value] of lines) {
          const lower = name.toLowerCase();
          if (GATEWAY_SET.has(lower)) continue;
          const entry = seen.get(lower) ?? { key: match.api.kind === 'rest' ? name : lower, values: [] };
          entry.values.push(value);
          seen.set(lower, entry);
        }
        for (const { key, values } of seen.values()) {
          expect(Object.hasOwn(event.headers ?? {}, key), `header "${key}" is an own key of headers`).toBe(true);
          expect(event.headers?.[key], `header "${key}"`).toBe(values.at(-1));
          expect(event.multiValueHeaders?.[key], `header "${key}"`).toEqual(values);
        }
      }
    });
  });

  it('keep every query value: 2.0 comma-joins repeated keys; 1.0 has the last value and every value', () => {
    forEveryEvent((req, _match, event) => {
      const query = expectedQuery(req.url);
      if (event.version === '2.0') {
        expect(event.rawQueryString).toBe(req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '');
        if (query.size === 0) expect(event.queryStringParameters).toBeUndefined();
        expect(Object.keys(event.queryStringParameters ?? {}).sort()).toEqual([...query.keys()].sort());
        for (const [key, values] of query) expect(event.queryStringParameters?.[key], `query "${key}"`).toBe(values.join(','));
      } else {
        if (query.size === 0) expect(event.queryStringParameters).toBeNull();
        expect(Object.keys(event.multiValueQueryStringParameters ?? {}).sort()).toEqual([...query.keys()].sort());
        for (const [key, values] of query) {
          expect(event.queryStringParameters?.[key], `query "${key}"`).toBe(values.at(-1));
          expect(event.multiValueQueryStringParameters?.[key], `query "${key}"`).toEqual(values);
        }
      }
    });
  });

  it('move every Cookie header\'s entries to 2.0 cookies, split on ";" and trimmed', () => {
    forEveryEvent((req, _match, event) => {
      if (event.version !== '2.0') return;
      const cookies = pairs(req.rawHeaders)
        .filter(([n]) => n.toLowerCase() === 'cookie')
        .flatMap(([, v]) => v.split(';').map((c) => c.trim()).filter((c) => c !== ''));
      expect(event.cookies ?? []).toEqual(cookies);
      expect(event.headers.cookie).toBeUndefined();
    });
  });
});

describe('route matching under random parameter names', () => {
  it('matchRequest gives every {param} and {greedy+} of the matched route, decoded, whatever its name', () => {
    const paramName = fc.oneof({ weight: 3, arbitrary: token.filter((t) => !/[{}+/]/.test(t)) }, { weight: 1, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS) });
    const paramValue = mixedText(6).filter((v) => v !== '');
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(paramName, paramValue), { minLength: 1, maxLength: 3, selector: ([n]) => n }),
        fc.option(fc.tuple(paramName, fc.array(paramValue, { minLength: 1, maxLength: 2 })), { nil: undefined }),
        fc.constantFrom('http' as const, 'rest' as const),
        (params, greedy, kind) => {
          const names = new Set(params.map(([n]) => n));
          const tail = greedy && !names.has(greedy[0]) ? greedy : undefined;
          const a = api(kind);
          const routePath = `/r/${params.map(([n]) => `{${n}}`).join('/')}${tail ? `/{${tail[0]}+}` : ''}`;
          const url = `${kind === 'rest' ? '/Prod' : ''}/r/${params.map(([, v]) => encodeURIComponent(v)).join('/')}${tail ? `/${tail[1].map(encodeURIComponent).join('/')}` : ''}`;
          const match = matchRequest(compileRoutes([a], [route(a, `GET ${routePath}`, 'Fn')]), 'GET', url);
          expect(match.kind, `GET ${url} matches GET ${routePath}`).toBe('integration');
          if (match.kind !== 'integration') return;
          const expected = new Map([...params, ...(tail ? [[tail[0], tail[1].join('/')] as [string, string]] : [])]);
          expect(Object.keys(match.pathParameters).sort()).toEqual([...expected.keys()].sort());
          for (const [n, v] of expected) expect(Object.hasOwn(match.pathParameters, n) && match.pathParameters[n], `{${n}}`).toBe(v);
        },
      ),
      runs(300),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Results

const scalarOrJunk = fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 2 }));
const resultHeaders = fc.oneof(
  { weight: 3, arbitrary: fc.dictionary(fc.oneof(token, fc.constantFrom(...PROTOTYPE_KEYS, 'Content-Type', 'content-length', 'Transfer-Encoding', 'Set-Cookie', '')), scalarOrJunk, { maxKeys: 4 }) },
  { weight: 1, arbitrary: scalarOrJunk },
);
const multiHeaders = fc.oneof(
  { weight: 3, arbitrary: fc.dictionary(fc.oneof(token, fc.constantFrom(...PROTOTYPE_KEYS, 'Content-Type')), fc.oneof(fc.array(scalarOrJunk, { maxLength: 3 }), scalarOrJunk), { maxKeys: 3 }) },
  { weight: 1, arbitrary: scalarOrJunk },
);
const base64Text = fc.uint8Array({ maxLength: 32 }).chain((b) => {
  const text = Buffer.from(b).toString('base64');
  return fc.constantFrom(text, text.replace(/=+$/, ''), `${text}\n`, `${text}==`, `${text}!`, `-_${text}`, text.slice(1));
});
const statusCode = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 100, max: 599 }) },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.integer({ min: 100, max: 599 }).map(String), fc.constantFrom(' 200 ', '2e2', '200.0', '0x1F4', '', '-200', 200.5, 1e21, true, null)) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) },
);
const resultObject = fc.record(
  {
    statusCode,
    headers: resultHeaders,
    multiValueHeaders: multiHeaders,
    cookies: fc.oneof(fc.array(fc.oneof(fc.string({ maxLength: 12 }), scalarOrJunk), { maxLength: 3 }), scalarOrJunk),
    body: fc.oneof(fc.string({ maxLength: 20 }), base64Text, scalarOrJunk),
    isBase64Encoded: fc.oneof(fc.boolean(), fc.constantFrom('true', 'false', 'TRUE', 1, 0, null, '')),
    extra: scalarOrJunk,
  },
  { requiredKeys: [] },
);
/** Deeply nested JSON (an attacker's or a buggy serialiser's). */
const deepJson = fc.integer({ min: 1, max: 20_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`);
const payload = fc.oneof(
  { weight: 5, arbitrary: resultObject.map((o) => Buffer.from(JSON.stringify(o))) },
  { weight: 2, arbitrary: fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? 'null')) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)) },
  { weight: 1, arbitrary: resultObject.chain((o) => { const text = JSON.stringify(o); return fc.integer({ min: 0, max: text.length }).map((n) => Buffer.from(text.slice(0, n))); }) },
  { weight: 1, arbitrary: resultObject.map((o) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(o))])) },
  { weight: 1, arbitrary: deepJson.map((s) => Buffer.from(s)) },
);

function checkResult(parsed: ParsedResult): void {
  if (parsed.ok) {
    const { statusCode: status, headers, body: bytes } = parsed.response;
    expect(Number.isInteger(status) && status >= 100 && status <= 599, `status ${status} is an HTTP status`).toBe(true);
    for (const pair of headers) expect(pair.length === 2 && typeof pair[0] === 'string' && typeof pair[1] === 'string', `header ${JSON.stringify(pair)} is a pair of strings`).toBe(true);
    expect(Buffer.isBuffer(bytes)).toBe(true);
  } else {
    expect(['malformed', 'bad-base64']).toContain(parsed.reason);
    expect(typeof parsed.detail === 'string' && parsed.detail.length > 0).toBe(true);
  }
}

const v1Options = fc.record({
  apiKind: fc.constantFrom('http' as const, 'rest' as const),
  accept: fc.option(fc.constantFrom('*/*', 'image/png', 'application/octet-stream', 'text/html, image/png', ''), { nil: undefined }),
  binaryMediaTypes: mediaTypes,
});

describe('Lambda result → response translators under random payloads', () => {
  it('responseFromV2 never throws: a response with a valid status and string headers, or the gateway\'s error', () => {
    fc.assert(
      fc.property(payload, (bytes) => {
        checkResult(responseFromV2(bytes));
      }),
      runs(500),
    );
  });

  it('responseFromV1 never throws, for REST and HTTP API 1.0, whatever Accept and binary media types', () => {
    fc.assert(
      fc.property(payload, v1Options, (bytes, options) => {
        const { accept, apiKind, binaryMediaTypes } = options;
        const rules = { ...PROFILES[apiKind].v1Result, binaryMediaTypes };
        checkResult(responseFromV1(bytes, accept === undefined ? rules : { ...rules, accept }));
      }),
      runs(500),
    );
  });

  it('a structured payload 2.0 result gives back its body bytes exactly, text or base64', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 599 }), fc.uint8Array({ maxLength: 64 }), fc.string({ maxLength: 40 }), fc.boolean(), (status, raw, text, binary) => {
        const bytes = Buffer.from(raw);
        const result = binary ? { statusCode: status, body: bytes.toString('base64'), isBase64Encoded: true } : { statusCode: status, body: text };
        const parsed = responseFromV2(Buffer.from(JSON.stringify(result)));
        expect(parsed.ok).toBe(true);
        if (!parsed.ok) return;
        expect(parsed.response.statusCode).toBe(status);
        expect(parsed.response.body.equals(binary ? bytes : Buffer.from(text, 'utf8'))).toBe(true);
      }),
      runs(300),
    );
  });
});
