// The REST API profile: payload 1.0 events under `/{stage}`, UUID request ids, 403/502/504 errors, SAM's OPTIONS mock and no CORS on proxy responses.
import { restRequestBody } from '../body.js';
import { resourceId, shortId } from '../context.js';
import { restCorsMockResponse } from '../cors.js';
import { PreludeReader } from '../function-url/response.js';
import { buildEventV1 } from '../event-v1.js';
import { responseFromV1 } from '../response.js';
import { headerValue } from '../request.js';
import { HEADER, INTEGRATION_TIMEOUT_MS, REST_EVENT_HEADER } from '../wire.js';
import { RUNTIME_FAILURES, type KindProfile } from './profile.js';

/** REST adds its own headers to the event in Title-Case (it keeps the client's casing). */
const REST_ADDED_HEADER: Readonly<Record<string, string>> = {
  [HEADER.forwardedFor]: REST_EVENT_HEADER.forwardedFor,
  [HEADER.forwardedPort]: REST_EVENT_HEADER.forwardedPort,
  [HEADER.forwardedProto]: REST_EVENT_HEADER.forwardedProto,
  [HEADER.traceId]: REST_EVENT_HEADER.traceId,
};

/** REST results: exactly five keys allowed, base64 decoded only with binary support. */
const REST_V1_RESULT = { strictKeys: true, binarySupport: true } as const;

export const REST_PROFILE: KindProfile = {
  kind: 'rest',
  label: 'REST API',
  stagePrefix: (stageName) => `/${stageName}`,
  servedAtRoot: true,
  // REST treats `/pets/` as `/pets` *(unverified; spec §5 says trailing slashes differ per API type)*.
  trimsTrailingSlash: true,
  // REST picks the resource first, then its method: no fall-through to a less specific resource *(unverified)*.
  routing: 'resource-first',

  // REST's request ids are UUIDs (`x-amzn-RequestId`) with a short extended id (`x-amz-apigw-id`).
  requestIds: (id) => ({ requestId: id, extendedRequestId: shortId(id) }),
  idHeaders: (identity) => [
    [HEADER.restRequestId, identity.requestId],
    [HEADER.restExtendedId, identity.extendedRequestId],
    [HEADER.restTraceId, identity.traceId],
  ],

  buildEvent: (req, match, identity, settings) => buildEventV1(req, match, identity, settings),
  parseResult: (payload, match, lines) =>
    responseFromV1(payload, { ...REST_V1_RESULT, accept: headerValue(lines, HEADER.accept), binaryMediaTypes: match.api.binaryMediaTypes }),
  authPaths: (match) => ({ path: match.stagePath, resource: match.route.path }),
  v1Event: {
    keepsHeaderCase: true,
    addedHeaderName: (name) => REST_ADDED_HEADER[name] ?? name,
    body: (bytes, contentType, api) => restRequestBody(bytes, contentType, api.binaryMediaTypes),
    // `path` is the resource path as sent, still percent-encoded *(reported)*, without the stage;
    // `requestContext.path` adds the stage (`/Prod/v1/abc`).
    // At the root (a custom domain with an empty base path mapping) `requestContext.path` is the path as
    // called, with no stage, and `requestContext.stage` is still the mapped stage (API Gateway developer
    // guide, "Working with API mappings for REST APIs": the mapping names the stage, the URL does not).
    paths: (_req, match) => ({ path: match.stagePath, contextPath: match.atRoot ? match.stagePath : `${REST_PROFILE.stagePrefix(match.api.stageName)}${match.stagePath}` }),
    resourceId: (api, resourcePath) => resourceId(api.apiGatewayId, resourcePath),
  },
  v1Result: REST_V1_RESULT,
  // ResponseTransferMode STREAM: the function is invoked with InvokeWithResponseStream and its output passed on as it comes.
  delivery: (route) => (route.responseTransferMode === 'STREAM' ? 'streamed' : 'buffered'),
  // "metadata JSON, then 8 null bytes" with `headers`, `multiValueHeaders`, `cookies`, `statusCode`, within the
  // first 16 KB of the stream (API Gateway Developer Guide, response-transfer-mode-lambda.html; the 16 KB as public notes of that page give it).
  streamPrelude: () => new PreludeReader(16 * 1024, { multiValueHeaders: true, delimiterRequired: true }),

  errors: {
    // MISSING_AUTHENTICATION_TOKEN: unknown path or unsupported method (gateway response types doc; AWS 403 knowledge-center article).
    'no-route': { status: 403, body: '{"message":"Missing Authentication Token"}', errorType: 'MissingAuthenticationTokenException' },
    // A path outside every deployed stage *(unverified)*.
    'no-stage': { status: 403, body: '{"message":"Forbidden"}', errorType: 'ForbiddenException' },
    // Function error or malformed proxy response → 502 (spec §7.1).
    'integration-failure': { status: 502, body: '{"message": "Internal server error"}', errorType: 'InternalServerErrorException' },
    // Lambda rejected the invocation → 500 *(reported)*.
    'invocation-rejected': { status: 500, body: '{"message": "Internal server error"}', errorType: 'InternalServerErrorException' },
    // INTEGRATION_TIMEOUT (serverless/serverless#3171).
    'integration-timeout': { status: 504, body: '{"message": "Endpoint request timed out"}' },
    // REQUEST_TOO_LARGE is 413; its message *(unverified)*.
    'payload-too-large': { status: 413, body: '{"message":"Request Too Long"}' },
    // Status and message *(unverified)*.
    'headers-too-large': { status: 431, body: '{"message":"Request Header Fields Too Large"}' },
    // API_CONFIGURATION_ERROR: default status 500.
    'configuration-error': { status: 500, body: '{"message": "Internal server error"}', errorType: 'InternalServerErrorException' },
    'bad-request': { status: 400, body: '{"message":"Bad Request"}', errorType: 'BadRequestException' },
  },
  failures: { ...RUNTIME_FAILURES, throttled: 'invocation-rejected', 'request-too-large': 'invocation-rejected' },
  integrationTimeoutMs: INTEGRATION_TIMEOUT_MS.rest,

  // Proxy responses get nothing: the function must return its own CORS headers (spec §8).
  applyCors: (_cors, _lines, response) => response,
  corsMock: restCorsMockResponse,
};
