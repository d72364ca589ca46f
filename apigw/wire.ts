// Wire names of API Gateway in one table: headers it reads and writes, stage and route keywords, media types, limits.

/** Request and response headers, as Node hands them over (lower case) unless noted. */
export const HEADER = {
  accept: 'accept',
  contentLength: 'content-length',
  contentType: 'content-type',
  cookie: 'cookie',
  host: 'host',
  origin: 'origin',
  setCookie: 'set-cookie',
  userAgent: 'user-agent',
  forwardedFor: 'x-forwarded-for',
  forwardedPort: 'x-forwarded-port',
  forwardedProto: 'x-forwarded-proto',
  traceId: 'x-amzn-trace-id',
  /** HTTP API: the request id on every response. */
  httpRequestId: 'apigw-requestid',
  /** REST: the request id on every response. */
  restRequestId: 'x-amzn-RequestId',
  /** REST: the extended request id on every response. */
  restExtendedId: 'x-amz-apigw-id',
  /** REST: the trace id on every response. */
  restTraceId: 'X-Amzn-Trace-Id',
  /** REST: the kind of a gateway error (`MissingAuthenticationTokenException`, ...). */
  restErrorType: 'x-amzn-ErrorType',
  corsRequestMethod: 'access-control-request-method',
  corsRequestHeaders: 'access-control-request-headers',
  corsAllowOrigin: 'access-control-allow-origin',
  corsAllowMethods: 'access-control-allow-methods',
  corsAllowHeaders: 'access-control-allow-headers',
  corsAllowCredentials: 'access-control-allow-credentials',
  corsExposeHeaders: 'access-control-expose-headers',
  corsMaxAge: 'access-control-max-age',
} as const;

/** Headers REST adds to the event, in the Title-Case REST uses (it keeps the client's casing). */
export const REST_EVENT_HEADER = {
  forwardedFor: 'X-Forwarded-For',
  forwardedPort: 'X-Forwarded-Port',
  forwardedProto: 'X-Forwarded-Proto',
  traceId: 'X-Amzn-Trace-Id',
} as const;

/** REST's mock CORS integration answers with these header names (SAM's `Access-Control-*` response parameters). */
export const REST_CORS_HEADER = {
  allowOrigin: 'Access-Control-Allow-Origin',
  allowMethods: 'Access-Control-Allow-Methods',
  allowHeaders: 'Access-Control-Allow-Headers',
  allowCredentials: 'Access-Control-Allow-Credentials',
  maxAge: 'Access-Control-Max-Age',
} as const;

/** Every CORS response header, to strip from integration responses when the API has CORS configured. */
export const CORS_RESPONSE_HEADERS: readonly string[] = [
  HEADER.corsAllowOrigin,
  HEADER.corsAllowMethods,
  HEADER.corsAllowHeaders,
  HEADER.corsAllowCredentials,
  HEADER.corsExposeHeaders,
  HEADER.corsMaxAge,
];

/** Hop-by-hop headers (RFC 9110 §7.6.1) and Content-Length: a function cannot set them, the gateway frames the response. */
export const FRAMING_HEADERS: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  HEADER.contentLength,
]);

/** The stage served at the root of an HTTP API, and its catch-all route key. */
export const DEFAULT_STAGE = '$default';
export const DEFAULT_ROUTE = '$default';
/** The method of a route that matches every routable method. */
export const ANY_METHOD = 'ANY';

/** Methods a route can name; API Gateway's Lambda events (and Powertools' schemas) know no others. */
export const ROUTABLE_METHODS: ReadonlySet<string> = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

/** SAM's REST CORS: the methods `Access-Control-Allow-Methods` lists for a resource with an ANY method. */
export const ALL_CORS_METHODS: readonly string[] = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'];

export const JSON_MEDIA_TYPE = 'application/json';

/** HTTP API delivers these request bodies as text; every other body is base64 (ministack PR #766, verified against AWS). */
export const HTTP_API_TEXT_MEDIA_TYPES: ReadonlySet<string> = new Set([
  'application/json',
  'application/xml',
  'application/javascript',
]);

/** Integration timeouts: HTTP API's maximum of 30 s, REST's default maximum of 29 s (spec §9.2). */
export const INTEGRATION_TIMEOUT_MS = { http: 30_000, rest: 29_000 } as const;

/** Placeholders when the request names no host (HTTP/1.0 without Host): API Gateway's own domain. */
export const EXECUTE_API_DOMAIN = (apiId: string, region: string): string => `${apiId}.execute-api.${region}.amazonaws.com`;

/** Defaults for values that only real AWS knows. */
export const GATEWAY_DEFAULTS = { accountId: '123456789012', region: 'us-east-1' } as const;
