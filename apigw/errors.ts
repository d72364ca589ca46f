// Responses API Gateway itself gives (no route, failed or timed-out integration, limits), per API kind, with AWS's exact bodies.
import type { ApiKind } from '../src/core/model.js';
import type { RequestIdentity } from './context.js';
import type { GatewayResponse } from './response.js';
import { HEADER, JSON_MEDIA_TYPE } from './wire.js';

/** Why the gateway answers by itself. */
export type GatewayErrorReason =
  /** A stage owns the path, but no route matches path and method. */
  | 'no-route'
  /** No stage owns the path. */
  | 'no-stage'
  /** The function failed (error, crash, function timeout) or returned a result of the wrong shape. */
  | 'integration-failure'
  /** Lambda refused the invocation (event over 6 MB, throttled) or could not run it. */
  | 'invocation-rejected'
  /** The integration timeout (HTTP API 30 s, REST 29 s) passed. */
  | 'integration-timeout'
  /** The request body is over 10 MB. */
  | 'payload-too-large'
  /** The request line and headers are over 10,240 bytes. */
  | 'headers-too-large'
  /** REST: base64 decoding of a binary result failed (API_CONFIGURATION_ERROR). */
  | 'configuration-error'
  /** The request could not be read as HTTP. */
  | 'bad-request';

interface GatewayError {
  status: number;
  /** The body byte for byte: REST's Lambda errors have a space after the colon, its routing errors do not. */
  body: string;
  /** REST's `x-amzn-ErrorType`. */
  errorType?: string;
}

const REST_ERRORS: Record<GatewayErrorReason, GatewayError> = {
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
};

const HTTP_ERRORS: Record<GatewayErrorReason, GatewayError> = {
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
};

/** The gateway's own response for a reason, as an API of this kind sends it. */
export function gatewayError(kind: ApiKind, reason: GatewayErrorReason): GatewayResponse {
  const error = (kind === 'rest' ? REST_ERRORS : HTTP_ERRORS)[reason];
  const headers: Array<[string, string]> = [[HEADER.contentType, JSON_MEDIA_TYPE]];
  if (error.errorType) headers.push([HEADER.restErrorType, error.errorType]);
  return { statusCode: error.status, headers, body: Buffer.from(error.body) };
}

/** Adds the ids every API Gateway response carries: `apigw-requestid` (HTTP API) or `x-amzn-RequestId`/`x-amz-apigw-id` (REST). */
export function withGatewayHeaders(response: GatewayResponse, kind: ApiKind, identity: RequestIdentity): GatewayResponse {
  const own =
    kind === 'http'
      ? [[HEADER.httpRequestId, identity.requestId] as [string, string]]
      : ([
          [HEADER.restRequestId, identity.requestId],
          [HEADER.restExtendedId, identity.extendedRequestId],
          [HEADER.restTraceId, identity.traceId],
        ] as Array<[string, string]>);
  const names = new Set(own.map(([n]) => n.toLowerCase()));
  return { ...response, headers: [...response.headers.filter(([n]) => !names.has(n.toLowerCase())), ...own] };
}
