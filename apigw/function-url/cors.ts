// Function URL CORS: the URL's `Cors` config answers preflights and decorates allowed origins' responses, as HTTP API's does.
import type { CorsSpec } from '../../src/core/model.js';
import { applyHttpCors, httpPreflightResponse, isPreflight } from '../cors.js';
import type { HeaderLine } from '../request.js';
import type { GatewayResponse } from '../response.js';

/**
 * The Function URL answers a CORS preflight itself when `Cors` is configured (the function is not
 * invoked); without `Cors` the OPTIONS request reaches the function like any other
 * (AWS API_Cors / "Cross-origin resource sharing (CORS)" in urls-configuration).
 */
export function functionUrlPreflight(cors: CorsSpec | undefined, method: string, lines: readonly HeaderLine[]): GatewayResponse | undefined {
  if (!cors || !isPreflight(method, lines)) return undefined;
  return httpPreflightResponse(cors, lines);
}

/** With `Cors` configured, the function's own CORS headers are replaced by the configured ones for allowed origins. */
export function applyFunctionUrlCors(cors: CorsSpec | undefined, lines: readonly HeaderLine[], response: GatewayResponse): GatewayResponse {
  return cors ? applyHttpCors(cors, lines, response) : response;
}
