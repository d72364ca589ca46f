// The one entry point a gateway calls before a route's function: run the route's authorizer and API key check, answer allow (with requestContext.authorizer) or AWS's refusal.
import { emuError } from '../../src/core/errors.js';
import type { Clock } from '../../src/core/ids.js';
import type { InvokeResult } from '../../src/core/invoke.js';
import { decodeJwt } from 'jose';
import { GATEWAY_RESPONSES, authorizerFailure, evaluatePolicy, lambdaAuthorizerContext, parseAnswer, type AuthorizerAnswer } from './answers.js';
import { ApiKeyStore, checkApiKey } from './api-keys.js';
import { AuthorizerCache } from './cache.js';
import { checkSourceIp } from './resource-policy.js';
import { buildRequestEventV1, buildRequestEventV2, buildTokenEvent, executeApiArn } from './events.js';
import { identityCacheKey, identityValue, parseIdentitySource, parseIdentitySources, readIdentity, tokenMatches } from './identity.js';
import { JwksResolver, bearerToken, cognitoIssuer, verifyToken, type JwksOverrides, type TokenRefusal } from './jwt.js';
import type {
  AuthAllow,
  AuthDecision,
  AuthDeny,
  AuthorizerConfig,
  AuthRequestView,
  CognitoAuthorizer,
  InvokeAuthorizer,
  JwtAuthorizer,
  LambdaRequestAuthorizer,
  LambdaTokenAuthorizer,
  RouteAuth,
} from './types.js';

/** What authorize needs besides the route and the request; made once per gateway by `createAuthorization`. */
export interface AuthorizationDeps {
  /** Runs an authorizer function by name through the pool (either runner). */
  invokeAuthorizer: InvokeAuthorizer;
  clock: Pick<Clock, 'now' | 'monotonic'>;
  cache: AuthorizerCache<AuthorizerAnswer>;
  keys: JwksResolver;
  apiKeys: ApiKeyStore;
}

export interface AuthorizationOptions {
  invokeAuthorizer: InvokeAuthorizer;
  clock: Pick<Clock, 'now' | 'monotonic'>;
  /** Issuer → local JWKS file or URL, for offline work. */
  jwksOverrides?: JwksOverrides;
  apiKeys?: ApiKeyStore;
}

/** Builds the long-lived parts: the result cache and the JWKS resolver are shared by every request of a gateway. */
export function createAuthorization(options: AuthorizationOptions): AuthorizationDeps {
  return {
    invokeAuthorizer: options.invokeAuthorizer,
    clock: options.clock,
    cache: new AuthorizerCache<AuthorizerAnswer>(options.clock),
    keys: new JwksResolver(options.jwksOverrides),
    apiKeys: options.apiKeys ?? new ApiKeyStore(),
  };
}

/**
 * Checks an authorizer's settings once, at start-up, so that a bad identity source, ValidationExpression,
 * UserPoolArn or issuer fails there with a coded error (EMU_AUTH_*) instead of on the first request.
 */
export function checkAuthorizerConfig(a: AuthorizerConfig): void {
  const where = `authorizer ${a.name}`;
  if (a.kind === 'lambda-token' || a.kind === 'cognito') {
    parseIdentitySource(`method.request.header.${a.header}`, `${where} Identity.Header`);
    if (a.validationExpression !== undefined) tokenMatches('', a.validationExpression);
  }
  if (a.kind === 'lambda-token' || a.kind === 'lambda-request') {
    if (!Number.isInteger(a.reauthorizeEverySeconds) || a.reauthorizeEverySeconds < 0 || a.reauthorizeEverySeconds > 3600) {
      throw emuError('EMU_AUTH_BAD_CONFIG', a.name, `ReauthorizeEvery must be a whole number of seconds from 0 to 3600, got ${a.reauthorizeEverySeconds}`);
    }
  }
  if (a.kind === 'lambda-request') {
    parseIdentitySources(a.identitySources, `${where} IdentitySource`);
    if (a.enableSimpleResponses && !(a.apiKind === 'http' && a.payloadFormatVersion === '2.0')) {
      throw emuError('EMU_AUTH_BAD_CONFIG', a.name, 'EnableSimpleResponses needs an HTTP API authorizer with AuthorizerPayloadFormatVersion 2.0');
    }
  }
  if (a.kind === 'jwt') {
    parseIdentitySource(a.identitySource, `${where} IdentitySource`);
    if (!/^https?:\/\/[^/]/i.test(a.issuer)) throw emuError('EMU_AUTH_BAD_CONFIG', a.name, `JwtConfiguration issuer "${a.issuer}" is not an http(s) URL`);
    if (a.audience.length === 0) throw emuError('EMU_AUTH_BAD_CONFIG', a.name, 'JwtConfiguration audience is empty');
  }
  if (a.kind === 'cognito') {
    if (a.userPoolArns.length === 0) throw emuError('EMU_AUTH_BAD_CONFIG', a.name, 'UserPoolArn is empty');
    for (const arn of a.userPoolArns) cognitoIssuer(arn, a.name);
  }
}

/**
 * Decides one request. The resource policy's source-IP ranges first, then the authorizer, then the API key check (the key may come from the
 * authorizer's `usageIdentifierKey`), as API Gateway orders them. Never throws for what a client or an
 * authorizer function did: every failure is a refusal with its reason.
 */
export async function authorize(auth: RouteAuth, view: AuthRequestView, deps: AuthorizationDeps): Promise<AuthDecision> {
  const refused = auth.sourceIp ? checkSourceIp(auth.sourceIp, view, auth.authorizer !== undefined) : undefined;
  if (refused) return refused;
  let decision: Allowed | AuthDeny = { allow: true };
  const a = auth.authorizer;
  if (a?.kind === 'lambda-token') decision = await lambdaToken(a, auth, view, deps);
  else if (a?.kind === 'lambda-request') decision = await lambdaRequest(a, auth, view, deps);
  else if (a?.kind === 'jwt') decision = await jwt(a, auth, view, deps);
  else if (a?.kind === 'cognito') decision = await cognito(a, auth, view, deps);
  if (!decision.allow || !auth.apiKeyRequired) return decision;
  const checked = checkApiKey(deps.apiKeys, view, decision.usageIdentifierKey);
  if ('allow' in checked) return checked;
  return { ...decision, apiKey: { id: checked.key.id, value: checked.key.value } };
}

type Allowed = AuthAllow & { usageIdentifierKey?: string };

async function lambdaToken(a: LambdaTokenAuthorizer, auth: RouteAuth, view: AuthRequestView, deps: AuthorizationDeps): Promise<Allowed | AuthDeny> {
  const token = identityValue(view, parseIdentitySource(`method.request.header.${a.header}`));
  if (token === undefined || token === '') return GATEWAY_RESPONSES.unauthorized(`authorizer ${a.name}: no ${a.header} header`);
  // A token that does not match ValidationExpression is refused without invoking (AWS TOKEN authorizer docs).
  if (a.validationExpression !== undefined && !tokenMatches(token, a.validationExpression)) {
    return GATEWAY_RESPONSES.unauthorized(`authorizer ${a.name}: the token does not match ValidationExpression`);
  }
  return runLambda(a.name, a.functionName, [token], a.reauthorizeEverySeconds, false, auth, view, deps, () => buildTokenEvent(view, token));
}

async function lambdaRequest(a: LambdaRequestAuthorizer, auth: RouteAuth, view: AuthRequestView, deps: AuthorizationDeps): Promise<Allowed | AuthDeny> {
  const sources = parseIdentitySources(a.identitySources, `authorizer ${a.name} IdentitySource`);
  const read = readIdentity(view, sources);
  if ('missing' in read) return GATEWAY_RESPONSES.unauthorized(`authorizer ${a.name}: identity source ${read.missing.expression} is missing or empty`);
  // Without identity sources there is nothing to key a cache on, so every request invokes (AWS: caching needs identity sources).
  const ttl = sources.length === 0 ? 0 : a.reauthorizeEverySeconds;
  const simple = a.apiKind === 'http' && a.payloadFormatVersion === '2.0' && a.enableSimpleResponses;
  const build = () => (a.apiKind === 'http' && a.payloadFormatVersion === '2.0' ? buildRequestEventV2(view, read.values) : buildRequestEventV1(view, read.values));
  return runLambda(a.name, a.functionName, read.values, ttl, simple, auth, view, deps, build);
}

function failureReason(name: string, result: InvokeResult & { ok: false }): string {
  if (result.kind === 'timeout') return `authorizer ${name}: the function timed out`;
  if (result.kind === 'exit' || result.kind === 'init') return `authorizer ${name}: the function crashed (${result.kind}): ${result.error.errorType}: ${result.error.errorMessage}`;
  return `authorizer ${name}: the function failed: ${result.error.errorType}: ${result.error.errorMessage}`;
}

async function runLambda(
  name: string,
  functionName: string,
  identityValues: readonly string[],
  ttlSeconds: number,
  simple: boolean,
  auth: RouteAuth,
  view: AuthRequestView,
  deps: AuthorizationDeps,
  buildEvent: () => object,
): Promise<Allowed | AuthDeny> {
  const key = identityCacheKey(name, identityValues);
  let answer = ttlSeconds > 0 ? deps.cache.get(key) : undefined;
  let latencyMs = 0;
  if (!answer) {
    const started = deps.clock.monotonic();
    let result: InvokeResult;
    try {
      result = await deps.invokeAuthorizer(functionName, Buffer.from(JSON.stringify(buildEvent())));
    } catch (err) {
      // The invocation was not even run (pool closed, throttled): AWS's AUTHORIZER_CONFIGURATION_ERROR.
      return authorizerFailure(auth.apiKind, `authorizer ${name}: cannot invoke ${functionName}: ${(err as Error).message}`);
    }
    latencyMs = Math.round(deps.clock.monotonic() - started);
    if (!result.ok) {
      // REST: an authorizer that fails with the message "Unauthorized" answers 401 (AWS TOKEN authorizer example: callback("Unauthorized")).
      if (auth.apiKind === 'rest' && result.kind === 'function' && result.error.errorMessage === 'Unauthorized') {
        return GATEWAY_RESPONSES.unauthorized(`authorizer ${name}: the function answered Unauthorized`);
      }
      return authorizerFailure(auth.apiKind, failureReason(name, result));
    }
    const parsed = parseAnswer(result.payload, { simple, apiKind: auth.apiKind });
    if ('bad' in parsed) return authorizerFailure(auth.apiKind, `authorizer ${name}: malformed answer: ${parsed.bad}`);
    answer = parsed;
    deps.cache.set(key, answer, ttlSeconds);
  }
  // A cached policy is evaluated again against this request's ARN (AWS knowledge center: cached policies and {proxy+}).
  if (answer.kind === 'simple') {
    if (!answer.isAuthorized) return GATEWAY_RESPONSES.httpForbidden(`authorizer ${name}: isAuthorized is false`);
  } else {
    const arn = executeApiArn(view);
    const verdict = evaluatePolicy(answer.statements, arn);
    if (verdict !== 'allow') {
      const reason = `authorizer ${name}: the policy ${verdict === 'explicit-deny' ? 'explicitly denies' : 'does not allow'} ${arn}`;
      if (auth.apiKind === 'http') return GATEWAY_RESPONSES.httpForbidden(reason);
      return verdict === 'explicit-deny' ? GATEWAY_RESPONSES.restExplicitDeny(reason) : GATEWAY_RESPONSES.restImplicitDeny(reason);
    }
  }
  const allowed: Allowed = { allow: true, authorizer: lambdaAuthorizerContext(auth.apiKind, answer, latencyMs) };
  if (answer.kind === 'policy') {
    allowed.principalId = answer.principalId;
    if (answer.usageIdentifierKey !== undefined) allowed.usageIdentifierKey = answer.usageIdentifierKey;
  }
  return allowed;
}

/** The refusal of a bad token. HTTP API's 401 carries a WWW-Authenticate challenge *(reported: `Bearer scope="" error="invalid_token" ...`)*. */
function tokenRefusal(auth: RouteAuth, name: string, r: TokenRefusal): AuthDeny {
  const reason = `authorizer ${name}: ${r.reason}`;
  if (r.refused === 'failure') return authorizerFailure(auth.apiKind, reason);
  if (auth.apiKind === 'rest') return GATEWAY_RESPONSES.unauthorized(reason);
  if (r.refused === 'forbidden') return GATEWAY_RESPONSES.httpForbidden(reason);
  const deny = GATEWAY_RESPONSES.unauthorized(reason);
  deny.headers['www-authenticate'] = `Bearer scope="" error="invalid_token" error_description="${r.reason.replace(/["\\]/g, '')}"`;
  return deny;
}

async function jwt(a: JwtAuthorizer, auth: RouteAuth, view: AuthRequestView, deps: AuthorizationDeps): Promise<AuthAllow | AuthDeny> {
  const value = identityValue(view, parseIdentitySource(a.identitySource, `authorizer ${a.name} IdentitySource`));
  if (value === undefined || value === '') return GATEWAY_RESPONSES.unauthorized(`authorizer ${a.name}: identity source ${a.identitySource} is missing or empty`);
  const checked = await verifyToken(bearerToken(value), {
    issuer: a.issuer,
    audience: a.audience,
    ...(auth.authorizationScopes ? { requiredScopes: auth.authorizationScopes } : {}),
    nowMs: deps.clock.now(),
    keys: deps.keys,
  });
  if ('refused' in checked) return tokenRefusal(auth, a.name, checked);
  // Payload 2.0: `authorizer.jwt.{claims,scopes}`; HTTP API payload 1.0: `authorizer.{claims,scopes}` (AWS HTTP API proxy integration examples).
  const body = { claims: checked.claims, scopes: checked.scopes };
  return { allow: true, authorizer: auth.payloadFormatVersion === '2.0' ? { jwt: body } : body, ...(checked.claims.sub ? { principalId: checked.claims.sub } : {}) };
}

async function cognito(a: CognitoAuthorizer, auth: RouteAuth, view: AuthRequestView, deps: AuthorizationDeps): Promise<AuthAllow | AuthDeny> {
  const value = identityValue(view, parseIdentitySource(`method.request.header.${a.header}`));
  if (value === undefined || value === '') return GATEWAY_RESPONSES.unauthorized(`authorizer ${a.name}: no ${a.header} header`);
  if (a.validationExpression !== undefined && !tokenMatches(value, a.validationExpression)) {
    return GATEWAY_RESPONSES.unauthorized(`authorizer ${a.name}: the token does not match ValidationExpression`);
  }
  // A `Bearer ` prefix is tolerated *(reported)*; the issuer picks which of the pools the token claims to be from.
  const token = bearerToken(value);
  const issuers = a.userPoolArns.map((arn) => cognitoIssuer(arn, a.name));
  let claimed: unknown;
  try {
    claimed = decodeJwt(token).iss;
  } catch {
    return GATEWAY_RESPONSES.unauthorized(`authorizer ${a.name}: the token is not a JWT`);
  }
  const issuer = issuers.find((i) => i === claimed);
  if (!issuer) return GATEWAY_RESPONSES.unauthorized(`authorizer ${a.name}: issuer ${String(claimed)} is not one of the user pools (${issuers.join(', ')})`);
  // With AuthorizationScopes an access token is required; without, an ID token (AWS "Integrate a REST API with a Cognito user pool").
  const scoped = (auth.authorizationScopes?.length ?? 0) > 0;
  const checked = await verifyToken(token, {
    issuer,
    tokenUse: scoped ? ['access'] : ['id'],
    ...(scoped ? { requiredScopes: auth.authorizationScopes! } : {}),
    nowMs: deps.clock.now(),
    keys: deps.keys,
  });
  if ('refused' in checked) return tokenRefusal(auth, a.name, checked);
  // REST passes the claims as `requestContext.authorizer.claims` (AWS "Lambda proxy integration" REST example).
  return { allow: true, authorizer: { claims: checked.claims }, ...(checked.claims.sub ? { principalId: checked.claims.sub } : {}) };
}
