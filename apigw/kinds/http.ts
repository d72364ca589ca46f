// The HTTP API profile: payload 2.0 (or 1.0) events, `$default` stage and route, short request ids, 404/500/503 errors, gateway-answered CORS.
import { httpApiRequestBody } from '../body.js';
import { shortId } from '../context.js';
import { applyHttpCors, httpPreflightResponse } from '../cors.js';
import { buildEventV1 } from '../event-v1.js';
import { buildEventV2, decodedRawPath } from '../event-v2.js';
import { responseFromV1, responseFromV2 } from '../response.js';
import { headerValue, safeDecode } from '../request.js';
import { DEFAULT_ROUTE, DEFAULT_STAGE, HEADER, INTEGRATION_TIMEOUT_MS } from '../wire.js';
import { RUNTIME_FAILURES, type KindProfile } from './profile.js';

/** HTTP API 1.0 results: extra keys ignored, base64 always decoded. */
const HTTP_V1_RESULT = { strictKeys: false, binarySupport: false } as const;

export const HTTP_PROFILE: KindProfile = {
  kind: 'http',
  label: 'HTTP API',
  stagePrefix: (stageName) => (stageName === DEFAULT_STAGE ? '' : `/${stageName}`),
  catchAllPath: DEFAULT_ROUTE,
  // HTTP API matches the path as sent, so `/pets/` does not reach `GET /pets`.
  trimsTrailingSlash: false,
  // A path whose method has no route falls through to `$default` (AWS "Routing API requests").
  routing: 'route-first',

  // HTTP API request ids are the short form (`apigw-requestid`), also its extended id.
  requestIds: (id) => {
    const requestId = shortId(id);
    return { requestId, extendedRequestId: requestId };
  },
  idHeaders: (identity) => [[HEADER.httpRequestId, identity.requestId]],

  buildEvent: (req, match, identity, settings) =>
    match.route.payloadFormatVersion === '2.0' ? buildEventV2(req, match, identity, settings) : buildEventV1(req, match, identity, settings),
  parseResult: (payload, match, lines) =>
    match.route.payloadFormatVersion === '2.0'
      ? responseFromV2(payload)
      : responseFromV1(payload, { ...HTTP_V1_RESULT, accept: headerValue(lines, HEADER.accept), binaryMediaTypes: match.api.binaryMediaTypes }),
  authPaths: (match) => ({ path: safeDecode(match.stagePath), resource: match.route.routeKey }),
  v1Event: {
    version: '1.0',
    keepsHeaderCase: false,
    addedHeaderName: (name) => name,
    body: (bytes, contentType) => httpApiRequestBody(bytes, contentType),
    // HTTP API 1.0 reports the full decoded path in both.
    paths: (req) => {
      const path = decodedRawPath(req);
      return { path, contextPath: path };
    },
    // HTTP API 1.0 events carry `resourceId: null` (AWS HTTP API 1.0 example event).
    resourceId: () => null,
  },
  v1Result: HTTP_V1_RESULT,
  // HTTP APIs have no response streaming: API Gateway streams only REST integrations (response-transfer-mode.html).
  delivery: () => 'buffered',

  errors: {
    // No stage or route (AWS "Routing API requests": {"message":"Not Found"}).
    'no-route': { status: 404, body: '{"message":"Not Found"}' },
    'no-stage': { status: 404, body: '{"message":"Not Found"}' },
    // Function error or malformed result → 500 *(reported)*.
    'integration-failure': { status: 500, body: '{"message":"Internal Server Error"}' },
    // *(unverified)*: as a failed integration.
    'invocation-rejected': { status: 500, body: '{"message":"Internal Server Error"}' },
    // 503 *(reported: anomalyco/sst#2232, serverless/serverless#11222)*.
    'integration-timeout': { status: 503, body: '{"message":"Service Unavailable"}' },
    // 413 *(reported)*; message *(unverified)*.
    'payload-too-large': { status: 413, body: '{"message":"Request Entity Too Large"}' },
    'headers-too-large': { status: 431, body: '{"message":"Request Header Fields Too Large"}' },
    'configuration-error': { status: 500, body: '{"message":"Internal Server Error"}' },
    'bad-request': { status: 400, body: '{"message":"Bad Request"}' },
  },
  failures: { ...RUNTIME_FAILURES, throttled: 'invocation-rejected', 'request-too-large': 'invocation-rejected' },
  integrationTimeoutMs: INTEGRATION_TIMEOUT_MS.http,

  // HTTP API answers preflights itself when CORS is configured, whatever the routes.
  preflight: httpPreflightResponse,
  applyCors: applyHttpCors,
};
