// The gateway's side of access control: the request view an authorizer sees, and an allow's fields put into the downstream event.
import type { GatewaySettings, RequestIdentity } from './context.js';
import type { IntegrationMatch } from './event-v2.js';
import type { AuthAllow, AuthRequestView } from './auth/index.js';
import { headerLines, splitUrl, type GatewayRequest } from './request.js';

/** What an authorizer may see of one matched request, built once from the request and the downstream event's requestContext. */
export function authView(req: GatewayRequest, match: IntegrationMatch, identity: RequestIdentity, settings: GatewaySettings, event: object): AuthRequestView {
  const { api, route } = match;
  const { rawPath, rawQuery } = splitUrl(req.url);
  const ctx = ((event as { requestContext?: Record<string, unknown> }).requestContext ?? {}) as Record<string, unknown>;
  const { path, resource } = match.profile.authPaths(match);
  return {
    apiKind: api.kind,
    method: req.method,
    path,
    fullPath: rawPath,
    rawQuery,
    headers: headerLines(req.rawHeaders),
    pathParameters: { ...match.pathParameters },
    stageVariables: { ...api.stageVariables },
    stage: api.stageName,
    resource,
    routeKey: route.routeKey,
    sourceIp: req.sourceIp.replace(/^::ffff:/, ''),
    protocol: `HTTP/${req.httpVersion}`,
    requestId: identity.requestId,
    extendedRequestId: identity.extendedRequestId,
    timeEpochMs: identity.timeEpochMs,
    apiId: api.apiGatewayId,
    accountId: settings.accountId,
    region: settings.region,
    partition: 'aws',
    domainName: typeof ctx.domainName === 'string' ? ctx.domainName : `${api.apiGatewayId}.execute-api.${settings.region}.amazonaws.com`,
  };
}

/** Puts an allow into the event: `requestContext.authorizer`, and the API key under REST's `requestContext.identity`. */
export function applyAllow(event: object, allow: AuthAllow): void {
  const ctx = (event as { requestContext?: Record<string, unknown> }).requestContext;
  if (!ctx) return;
  if (allow.authorizer) ctx.authorizer = allow.authorizer;
  const identity = ctx.identity as Record<string, unknown> | undefined;
  if (allow.apiKey && identity) {
    identity.apiKey = allow.apiKey.value;
    identity.apiKeyId = allow.apiKey.id;
  }
}
