// The contract of one event kind (HTTP API, REST; Function URLs and ALB next): translators, paths, ids, errors, limits and CORS in one value.
import type { ApiKind, ApiSpec, CorsSpec, RouteSpec } from '../../src/core/model.js';
import type { FailureKind } from '../../src/core/invoke.js';
import type { EventBody } from '../body.js';
import type { GatewaySettings, RequestIdentity } from '../context.js';
import type { GatewayErrorReason } from '../errors.js';
import type { IntegrationMatch } from '../event-v2.js';
import type { GatewayRequest, HeaderLine } from '../request.js';
import type { GatewayResponse, ParsedResult } from '../response.js';
import type { PreludeReader } from '../function-url/response.js';

/**
 * API Gateway's rule for what the runtime signalled (an error, a crash, the function timeout, an
 * oversized result, a broken protocol): the integration failed, whatever the body's shape (spec §7.5).
 * Profiles spread it into their own `failures` table, where an outcome of another nature (a throttle)
 * is one more line.
 */
export const RUNTIME_FAILURES = {
  function: 'integration-failure',
  init: 'integration-failure',
  timeout: 'integration-failure',
  exit: 'integration-failure',
  'response-too-large': 'integration-failure',
  runtime: 'integration-failure',
} as const satisfies Partial<Record<FailureKind, GatewayErrorReason>>;

/** One gateway error as this kind answers it. */
export interface GatewayError {
  status: number;
  /** The body byte for byte: REST's Lambda errors have a space after the colon, its routing errors do not. */
  body: string;
  /** REST's `x-amzn-ErrorType`. */
  errorType?: string;
}

/** How a kind fills a payload 1.0 event (REST, and HTTP API routes with PayloadFormatVersion 1.0). */
export interface V1EventRules {
  /** The top-level `version` field: HTTP API 1.0 has `"1.0"`, REST none. */
  version?: '1.0';
  /** REST keeps the client's header casing; HTTP API lower-cases names. */
  keepsHeaderCase: boolean;
  /** The names the gateway's own headers (X-Forwarded-*, trace id) get in the event. */
  addedHeaderName(lowerCaseName: string): string;
  /** The body as this kind delivers it (text or base64). */
  body(bytes: Buffer, contentType: string | undefined, api: ApiSpec): EventBody;
  /** `path` and `requestContext.path` of the event. */
  paths(req: GatewayRequest, match: IntegrationMatch): { path: string; contextPath: string };
  /** `requestContext.resourceId`: REST's resource id, null on HTTP API 1.0. */
  resourceId(api: ApiSpec, resourcePath: string): string | null;
}

/** How a kind reads a payload 1.0 result. */
export interface V1ResultRules {
  /** REST refuses keys outside its five; HTTP API 1.0 ignores extras. */
  strictKeys: boolean;
  /** REST decodes a base64 body only when binary support says so (else sends the text); HTTP API always decodes. */
  binarySupport: boolean;
}

/**
 * Everything that differs between event kinds. A profile is chosen once per route when the routes
 * are compiled; the rest of apigw asks it and never tests the kind. A Function URL kind fits: a
 * stage prefix of `''`, a `$default` catch-all, payload 2.0 from `buildEvent`, its own `errors`
 * and CORS hooks, and `delivery` answering `streamed` for RESPONSE_STREAM functions.
 */
export interface KindProfile {
  kind: ApiKind;
  /** How the route table names an API of this kind (`HTTP API`). */
  label: string;

  /** The URL prefix of a stage: REST `/{stage}`; HTTP API `$default` at the root. */
  stagePrefix(stageName: string): string;
  /**
   * Also served at the root, without the stage prefix, when no HTTP API owns the root: `sam local
   * start-api` serves REST routes there, and API Gateway does behind a custom domain.
   */
  servedAtRoot?: boolean;
  /** The path of the catch-all route (`$default`), when the kind has one. */
  catchAllPath?: string;
  /** Whether `/pets/` reaches `/pets`. */
  trimsTrailingSlash: boolean;
  /**
   * `resource-first`: the most specific resource, then its method, no fall-through (REST);
   * `route-first`: the most specific route whose method matches, then the catch-all (HTTP API).
   */
  routing: 'resource-first' | 'route-first';

  /** The request ids of one request, from one full id. */
  requestIds(id: string): { requestId: string; extendedRequestId: string };
  /** The id headers every response of this kind carries. */
  idHeaders(identity: RequestIdentity): Array<[string, string]>;

  /** Request → event, in the route's payload format. */
  buildEvent(req: GatewayRequest, match: IntegrationMatch, identity: RequestIdentity, settings: GatewaySettings): object;
  /** Lambda result → HTTP response, in the route's payload format. */
  parseResult(payload: Buffer, match: IntegrationMatch, lines: readonly HeaderLine[]): ParsedResult;
  /** The `path` and `resource` a Lambda authorizer of this kind is shown (REST: as sent and the resource; HTTP: decoded and the route key). */
  authPaths(match: IntegrationMatch): { path: string; resource: string };
  /** Payload 1.0 rules of this kind (the shared translator reads them). */
  v1Event: V1EventRules;
  v1Result: V1ResultRules;
  /**
   * Whether a route's results are collected (`buffered`) or passed on to the client as they come
   * (`streamed`: a REST route whose integration has ResponseTransferMode STREAM). Asked once per request.
   */
  delivery(route: RouteSpec): 'buffered' | 'streamed';
  /** Reads the metadata a streamed result starts with (status, headers, cookies, then 8 NUL bytes); kinds that stream have it. */
  streamPrelude?(): PreludeReader;

  /** The gateway's own answers, by reason. */
  errors: Readonly<Record<GatewayErrorReason, GatewayError>>;
  /** What each failed invocation (a value from the Invoker) becomes: one line per failure kind. */
  failures: Readonly<Record<FailureKind, GatewayErrorReason>>;
  /** The integration timeout AWS applies by default, ms. */
  integrationTimeoutMs: number;

  /** Answers a CORS preflight itself (HTTP API), or undefined to route it like any request. */
  preflight?(cors: CorsSpec, lines: readonly HeaderLine[]): GatewayResponse;
  /** Adds or strips CORS headers on a response of an API with CORS configured. */
  applyCors(cors: CorsSpec, lines: readonly HeaderLine[], response: GatewayResponse): GatewayResponse;
  /** REST: the generated OPTIONS mock of a CORS-enabled API; absent when the kind generates none. */
  corsMock?(cors: CorsSpec, allowMethods: readonly string[]): GatewayResponse;
}
