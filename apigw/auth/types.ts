// The vocabulary of API Gateway access control: one config type per authorizer kind (mirroring SAM's properties), the request view, the decision.
import type { InvokeResult } from '../../src/core/invoke.js';

/** One header line as received, original case kept (duplicates are separate lines). */
export interface AuthHeaderLine {
  name: string;
  value: string;
}

/**
 * What an authorizer may see of one request: the gateway builds it once from its own request
 * capture and route match. Everything is already decoded as the proxy event has it.
 */
export interface AuthRequestView {
  apiKind: 'http' | 'rest';
  /** Upper-case method as received. */
  method: string;
  /** The request path below the stage prefix (`/pets/1`); REST keeps it as sent, HTTP API decoded. */
  path: string;
  /** The full path the client used, stage prefix included (`/Prod/pets/1`); HTTP API `rawPath`. */
  fullPath: string;
  /** The raw query without `?`, still percent-encoded. */
  rawQuery: string;
  /** Header lines in order, duplicates kept. */
  headers: readonly AuthHeaderLine[];
  /** Decoded path parameters of the matched route. */
  pathParameters: Record<string, string>;
  stageVariables: Record<string, string>;
  /** Stage name (`Prod`, `$default`). */
  stage: string;
  /** The matched route's resource (REST `/pets/{id}`) or route key (HTTP `GET /pets/{id}`, `$default`). */
  resource: string;
  routeKey: string;
  sourceIp: string;
  /** `HTTP/1.1`. */
  protocol: string;
  requestId: string;
  extendedRequestId: string;
  timeEpochMs: number;
  apiId: string;
  accountId: string;
  region: string;
  /** Partition for ARNs (`aws`). */
  partition: string;
  domainName: string;
  /** Other `$context` variables an identity source may name (`$context.routeKey` is derived). */
  contextVariables?: Record<string, string>;
}

/** How a Lambda authorizer function is run: the pool's Invoker by function name, so it works on either runner. */
export type InvokeAuthorizer = (functionName: string, event: Buffer) => Promise<InvokeResult>;

export type { LambdaTokenAuthorizer, LambdaRequestAuthorizer, JwtAuthorizer, CognitoAuthorizer, AuthorizerConfig, RouteAuth } from '../../src/core/auth.js';

/** What the gateway puts into the downstream event, decided by the authorizer. */
export interface AuthAllow {
  allow: true;
  /** `requestContext.authorizer`, shaped for the route's payload format; absent when nothing authorized. */
  authorizer?: Record<string, unknown>;
  /** The API key that passed (`requestContext.identity.apiKey` / `apiKeyId`). */
  apiKey?: { id: string; value: string };
  /** The authorizer's `principalId`, for the access log. */
  principalId?: string;
}

/** A refusal, answered by the gateway without invoking the route's function. */
export interface AuthDeny {
  allow: false;
  status: number;
  /** The exact response body bytes as text. */
  body: string;
  headers: Record<string, string>;
  /** Why, for the log line (never sent to the client). */
  reason: string;
}

export type AuthDecision = AuthAllow | AuthDeny;
