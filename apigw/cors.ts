// CORS as each API kind does it: HTTP API answers preflights (204) and decorates allowed origins' responses; REST only has SAM's OPTIONS mock.
import type { CorsSpec } from '../src/core/model.js';
import { headerValue, type HeaderLine } from './request.js';
import type { GatewayResponse } from './response.js';
import { CORS_RESPONSE_HEADERS, HEADER, JSON_MEDIA_TYPE, REST_CORS_HEADER } from './wire.js';

/** A CORS preflight: OPTIONS with `Origin` and `Access-Control-Request-Method` (AWS "Configure CORS for HTTP APIs"). */
export function isPreflight(method: string, lines: readonly HeaderLine[]): boolean {
  return method === 'OPTIONS' && headerValue(lines, HEADER.origin) !== undefined && headerValue(lines, HEADER.corsRequestMethod) !== undefined;
}

/** Does an origin match `AllowOrigins`? `*` allows all; `https://*`-style entries are prefix wildcards (AWS doc). */
export function originAllowed(cors: CorsSpec, origin: string): boolean {
  return cors.allowOrigins.some((allowed) => {
    if (allowed === '*') return true;
    if (!allowed.includes('*')) return allowed.toLowerCase() === origin.toLowerCase();
    const pattern = new RegExp(`^${allowed.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
    return pattern.test(origin);
  });
}

/** `Access-Control-Allow-Origin`: `*` when every origin is allowed without credentials, else the request's origin. */
function allowOriginValue(cors: CorsSpec, origin: string): string {
  return cors.allowOrigins.includes('*') && !cors.allowCredentials ? '*' : origin;
}

/**
 * HTTP API preflight: the gateway answers 204 whether or not an OPTIONS route exists; the CORS
 * headers (with Allow-Methods, -Headers and -Max-Age, which only preflights carry) only for an
 * allowed origin.
 */
export function httpPreflightResponse(cors: CorsSpec, lines: readonly HeaderLine[]): GatewayResponse {
  const origin = headerValue(lines, HEADER.origin)!;
  const headers: Array<[string, string]> = [];
  if (originAllowed(cors, origin)) {
    headers.push([HEADER.corsAllowOrigin, allowOriginValue(cors, origin)]);
    if (cors.allowCredentials) headers.push([HEADER.corsAllowCredentials, 'true']);
    if (cors.allowMethods.length > 0) headers.push([HEADER.corsAllowMethods, cors.allowMethods.join(',')]);
    if (cors.allowHeaders.length > 0) headers.push([HEADER.corsAllowHeaders, cors.allowHeaders.join(',')]);
    if (cors.maxAgeSeconds !== undefined) headers.push([HEADER.corsMaxAge, String(cors.maxAgeSeconds)]);
  }
  return { statusCode: 204, headers, body: Buffer.alloc(0) };
}

/**
 * HTTP API actual responses: with CORS configured the integration's own CORS headers are ignored
 * (AWS doc), and the configured ones are added only when the request's Origin is allowed.
 */
export function applyHttpCors(cors: CorsSpec, lines: readonly HeaderLine[], response: GatewayResponse): GatewayResponse {
  const headers = response.headers.filter(([name]) => !CORS_RESPONSE_HEADERS.includes(name.toLowerCase()));
  const origin = headerValue(lines, HEADER.origin);
  if (origin !== undefined && originAllowed(cors, origin)) {
    headers.push([HEADER.corsAllowOrigin, allowOriginValue(cors, origin)]);
    if (cors.allowCredentials) headers.push([HEADER.corsAllowCredentials, 'true']);
    if (cors.exposeHeaders.length > 0) headers.push([HEADER.corsExposeHeaders, cors.exposeHeaders.join(',')]);
  }
  return { ...response, headers };
}

/**
 * REST: SAM's generated OPTIONS method is a mock integration answering 200 with the configured
 * values verbatim, whatever the Origin (samtranslator `add_cors`). Proxy responses get nothing:
 * the function must return its own CORS headers.
 */
export function restCorsMockResponse(cors: CorsSpec, allowMethods: readonly string[]): GatewayResponse {
  const headers: Array<[string, string]> = [[HEADER.contentType, JSON_MEDIA_TYPE]];
  if (cors.allowHeaders.length > 0) headers.push([REST_CORS_HEADER.allowHeaders, cors.allowHeaders.join(',')]);
  if (allowMethods.length > 0) headers.push([REST_CORS_HEADER.allowMethods, allowMethods.join(',')]);
  headers.push([REST_CORS_HEADER.allowOrigin, cors.allowOrigins.join(',')]);
  if (cors.maxAgeSeconds !== undefined) headers.push([REST_CORS_HEADER.maxAge, String(cors.maxAgeSeconds)]);
  if (cors.allowCredentials) headers.push([REST_CORS_HEADER.allowCredentials, 'true']);
  // The mock's response template is `{}` (samtranslator `_options_method_response_for_cors`).
  return { statusCode: 200, headers, body: Buffer.from('{}') };
}
