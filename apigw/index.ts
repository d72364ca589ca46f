// The API Gateway front end's public surface: the server, the route table, and the pure translators it is built from.

/** Starts the API Gateway front end (`emulate start-api`) on a fastify server. */
export { startApiGateway } from './server.js';
export type { ApiGatewayOptions, ApiGatewayServer } from './server.js';
/** Formats the mounted routes (method, URL with stage prefix, function, API, payload format) for printing. */
export { formatRouteTable, routeUrl } from './route-table.js';
export type { MountedRoutes } from './route-table.js';
/** Route matching: stage prefixes, static > {param} > {proxy+}, exact method > ANY, `$default`. */
export { compileRoutes, matchRequest, stagePrefix } from './router.js';
export type { RouteTable, RouteMatch } from './router.js';
/** The request pipeline without sockets (routing, CORS, events, limits, invocation, responses). */
export { Gateway } from './gateway.js';
export type { GatewayDeps, GatewayOutcome } from './gateway.js';
/** Request → event translators (HTTP API payload 2.0; REST and HTTP API payload 1.0). */
export { buildEventV2 } from './event-v2.js';
export type { EventV2, IntegrationMatch } from './event-v2.js';
export { buildEventV1 } from './event-v1.js';
export type { EventV1 } from './event-v1.js';
/** Lambda result → HTTP response translators. */
export { responseFromV2, responseFromV1 } from './response.js';
export type { GatewayResponse, ParsedResult } from './response.js';
/** API Gateway's own error responses. */
export { gatewayError } from './errors.js';
export type { GatewayErrorReason } from './errors.js';
/** The event kinds (HTTP API, REST): one profile each, in one registry. */
export { PROFILES, profileOf } from './kinds/index.js';
export type { KindProfile } from './kinds/index.js';
/** Per-request identity (ids, trace id, time). */
export { newIdentity } from './context.js';
export type { RequestIdentity, GatewaySettings } from './context.js';
/** The captured HTTP request the translators read. */
export type { GatewayRequest } from './request.js';
/** Function URLs: one listener per function, its port derived from the name, and the lines start-api prints. */
export { startFunctionUrl, functionUrlPort, formatFunctionUrls } from './function-url/server.js';
export type { FunctionUrlOptions, FunctionUrlServer } from './function-url/server.js';
