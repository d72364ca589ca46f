// Responses API Gateway itself gives (no route, failed or timed-out integration, limits), from the kind profile's table of AWS's exact bodies.
import type { RequestIdentity } from './context.js';
import type { KindProfile } from './kinds/profile.js';
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

/** The gateway's own response for a reason, as an API of this kind sends it. */
export function gatewayError(profile: KindProfile, reason: GatewayErrorReason): GatewayResponse {
  const error = profile.errors[reason];
  const headers: Array<[string, string]> = [[HEADER.contentType, JSON_MEDIA_TYPE]];
  if (error.errorType) headers.push([HEADER.restErrorType, error.errorType]);
  return { statusCode: error.status, headers, body: Buffer.from(error.body) };
}

/** Adds the ids every response of the kind carries (`apigw-requestid`, or `x-amzn-RequestId`/`x-amz-apigw-id`), replacing the function's. */
export function withGatewayHeaders(response: GatewayResponse, profile: KindProfile, identity: RequestIdentity): GatewayResponse {
  const own = profile.idHeaders(identity);
  const names = new Set(own.map(([n]) => n.toLowerCase()));
  return { ...response, headers: [...response.headers.filter(([n]) => !names.has(n.toLowerCase())), ...own] };
}
