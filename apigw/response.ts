// Lambda result → HTTP response: payload 2.0 (structured or inferred) and payload 1.0 (REST's strict keys, multi-value merge), bytes kept exact.
import { decodeBase64, matchesMediaType } from './body.js';
import type { V1ResultRules } from './kinds/profile.js';
import { mediaType } from './request.js';
import { FRAMING_HEADERS, HEADER, JSON_MEDIA_TYPE } from './wire.js';

/** An HTTP response the gateway sends: header lines in order (repeats allowed) and exact body bytes. */
export interface GatewayResponse {
  statusCode: number;
  headers: Array<[string, string]>;
  body: Buffer;
}

/** Why a result cannot become a response: wrong shape (the integration failed) or undecodable base64 (REST: configuration error). */
export type ResultProblem = { reason: 'malformed' | 'bad-base64'; detail: string };

export type ParsedResult = { ok: true; response: GatewayResponse } | ({ ok: false } & ResultProblem);

/** REST accepts exactly these keys in a proxy result; any other key is a malformed Lambda proxy response. */
const REST_RESULT_KEYS: ReadonlySet<string> = new Set(['statusCode', 'headers', 'multiValueHeaders', 'body', 'isBase64Encoded']);

class Malformed extends Error {}

const fail = (detail: string): never => {
  throw new Malformed(detail);
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A scalar as header text (numbers and booleans are coerced, as a Java mapper does); anything else is malformed. */
function scalarText(value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return fail(`${what} must be a string`);
}

/** `statusCode`: an integer 100–599; a numeric string is coerced *(unverified; SAM accepts it)*. */
function statusOf(value: unknown): number {
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 100 || n > 599) return fail(`statusCode ${JSON.stringify(value)} is not an HTTP status`);
  return n;
}

function headerMap(value: unknown, what: string): Array<[string, string]> {
  if (value === undefined || value === null) return [];
  if (!isObject(value)) return fail(`${what} must be an object`);
  return Object.entries(value).map(([name, v]) => [name, scalarText(v, `${what}.${name}`)]);
}

function multiHeaderMap(value: unknown): Array<[string, string]> {
  if (value === undefined || value === null) return [];
  if (!isObject(value)) return fail('multiValueHeaders must be an object');
  const out: Array<[string, string]> = [];
  for (const [name, list] of Object.entries(value)) {
    if (list === null) continue;
    if (!Array.isArray(list)) return fail(`multiValueHeaders.${name} must be a list`);
    for (const v of list) out.push([name, scalarText(v, `multiValueHeaders.${name}`)]);
  }
  return out;
}

function bodyText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return fail('body must be a string');
}

/** `isBase64Encoded`: booleans, or their spelling as strings. */
function flagOf(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  return fail('isBase64Encoded must be a boolean');
}

const hasHeader = (headers: ReadonlyArray<[string, string]>, name: string) => headers.some(([n]) => n.toLowerCase() === name);

/** Drops what the function cannot set (framing), and gives structured results a Content-Type. */
function finish(statusCode: number, headers: Array<[string, string]>, body: Buffer): GatewayResponse {
  const kept = headers.filter(([name]) => !FRAMING_HEADERS.has(name.toLowerCase()));
  // Default Content-Type of a result without one: application/json *(unverified for AWS; SAM does this)*.
  if (!hasHeader(kept, HEADER.contentType)) kept.unshift([HEADER.contentType, JSON_MEDIA_TYPE]);
  return { statusCode, headers: kept, body };
}

function parseJson(payload: Buffer): unknown {
  try {
    return JSON.parse(payload.toString('utf8'));
  } catch {
    return fail('the result is not JSON');
  }
}

function decodeBody(text: string, reason: 'malformed' | 'bad-base64'): Buffer {
  const bytes = decodeBase64(text);
  if (!bytes) throw Object.assign(new Malformed('isBase64Encoded is true but body is not base64'), { reason });
  return bytes;
}

function attempt(build: () => GatewayResponse): ParsedResult {
  try {
    return { ok: true, response: build() };
  } catch (err) {
    if (!(err instanceof Malformed)) throw err;
    const reason = (err as Malformed & { reason?: ResultProblem['reason'] }).reason ?? 'malformed';
    return { ok: false, reason, detail: err.message };
  }
}

/**
 * Payload 2.0 (AWS "Lambda proxy integrations for HTTP APIs"): with `statusCode` the result is
 * structured; valid JSON without it is the body of a 200 `application/json` response, sent as the
 * function's bytes (a JSON string sends its content). `cookies` become one Set-Cookie each.
 */
export function responseFromV2(payload: Buffer): ParsedResult {
  return attempt(() => {
    const result = parseJson(payload);
    if (!isObject(result) || !('statusCode' in result)) {
      const body = typeof result === 'string' ? Buffer.from(result, 'utf8') : payload;
      return { statusCode: 200, headers: [[HEADER.contentType, JSON_MEDIA_TYPE]], body };
    }
    const statusCode = statusOf(result.statusCode);
    const headers = headerMap(result.headers, 'headers');
    if (result.cookies !== undefined && result.cookies !== null) {
      if (!Array.isArray(result.cookies)) fail('cookies must be a list');
      for (const cookie of result.cookies as unknown[]) headers.push([HEADER.setCookie, scalarText(cookie, 'cookies[]')]);
    }
    const text = bodyText(result.body);
    const body = flagOf(result.isBase64Encoded) ? decodeBody(text, 'malformed') : Buffer.from(text, 'utf8');
    return finish(statusCode, headers, body);
  });
}

/** The kind's 1.0 rules, and what decides REST's response decoding: the request's Accept header and the API's binary media types. */
export interface V1ResponseOptions extends V1ResultRules {
  accept?: string;
  binaryMediaTypes: readonly string[];
}

/**
 * REST decodes a base64 body only when binary support says so: `*\/*` is configured, or the first
 * type of the request's Accept header (the response Content-Type when there is no Accept) is a
 * binary media type (AWS "Return binary media from a Lambda proxy integration").
 */
export function restDecodesBinary(accept: string | undefined, contentType: string | undefined, binaryMediaTypes: readonly string[]): boolean {
  if (binaryMediaTypes.some((t) => mediaType(t) === '*/*')) return true;
  const first = accept ? mediaType(accept.split(',')[0]) : mediaType(contentType);
  return first !== '' && matchesMediaType(first, binaryMediaTypes);
}

/**
 * Payload 1.0: the result must be a JSON object with `statusCode`; REST refuses keys outside its
 * five; `headers` and `multiValueHeaders` merge, a pair present in both appearing once (AWS doc).
 */
export function responseFromV1(payload: Buffer, options: V1ResponseOptions): ParsedResult {
  return attempt(() => {
    const result = parseJson(payload);
    if (!isObject(result)) return fail('the result is not a JSON object');
    if (options.strictKeys) {
      const extra = Object.keys(result).filter((k) => !REST_RESULT_KEYS.has(k));
      if (extra.length > 0) fail(`unexpected keys ${extra.join(', ')} (REST allows ${[...REST_RESULT_KEYS].join(', ')})`);
    }
    if (!('statusCode' in result)) fail('statusCode is missing');
    const statusCode = statusOf(result.statusCode);
    const multi = multiHeaderMap(result.multiValueHeaders);
    const single = headerMap(result.headers, 'headers').filter(
      ([name, value]) => !multi.some(([n, v]) => n.toLowerCase() === name.toLowerCase() && v === value),
    );
    const headers = [...single, ...multi];
    const text = bodyText(result.body);
    let body: Buffer = Buffer.from(text, 'utf8');
    if (flagOf(result.isBase64Encoded)) {
      if (!options.binarySupport) body = decodeBody(text, 'malformed');
      else {
        const contentType = headers.find(([n]) => n.toLowerCase() === HEADER.contentType)?.[1];
        // Without binary support REST returns the base64 text as it is (AWS doc, SAM agrees).
        if (restDecodesBinary(options.accept, contentType, options.binaryMediaTypes)) body = decodeBody(text, 'bad-base64');
      }
    }
    return finish(statusCode, headers, body);
  });
}
