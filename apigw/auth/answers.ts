// Lambda authorizer answers: parse simple and IAM policy responses, evaluate policies against the method/route ARN, and shape requestContext.authorizer.
import type { AuthDeny } from './types.js';

/** A parsed, valid authorizer answer; cached as is and evaluated again against each request's ARN. */
export type AuthorizerAnswer =
  | { kind: 'simple'; isAuthorized: boolean; context: Record<string, unknown> }
  | { kind: 'policy'; principalId: string; statements: PolicyStatement[]; context: Record<string, unknown>; usageIdentifierKey?: string };

export interface PolicyStatement {
  effect: 'Allow' | 'Deny';
  actions: string[];
  /** Exactly one of resources / notResources is set. */
  resources?: string[];
  notResources?: string[];
}

/** A malformed answer: 500, with the reason for the log line. */
export interface BadAnswer {
  bad: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): string[] | undefined =>
  typeof v === 'string' ? [v] : Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;

/**
 * Parses what the authorizer function returned. `simple` is true for HTTP API 2.0 with
 * `EnableSimpleResponses` (`{isAuthorized, context}`); otherwise the IAM policy format is required
 * (`{principalId, policyDocument, context, usageIdentifierKey}`, AWS "Output from an API Gateway Lambda authorizer").
 */
export function parseAnswer(payload: Buffer, options: { simple: boolean; apiKind: 'http' | 'rest' }): AuthorizerAnswer | BadAnswer {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    return { bad: 'the authorizer answer is not JSON' };
  }
  if (!isObject(value)) return { bad: 'the authorizer answer is not a JSON object' };
  const context = value.context ?? {};
  if (!isObject(context)) return { bad: '"context" is not an object' };
  // REST accepts only string, number and boolean context values; an object or array fails the
  // authorization (AWS: "you cannot set a JSON object or array as a valid value of any key in the context map").
  if (options.apiKind === 'rest') {
    for (const [key, v] of Object.entries(context)) {
      if (!['string', 'number', 'boolean'].includes(typeof v)) return { bad: `context value "${key}" is ${v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : typeof v}; only strings, numbers and booleans are allowed` };
    }
  }
  if (options.simple) {
    if (typeof value.isAuthorized !== 'boolean') return { bad: '"isAuthorized" is missing or not a boolean (simple responses are enabled)' };
    return { kind: 'simple', isAuthorized: value.isAuthorized, context };
  }
  // HTTP API does not require principalId (its IAM format example carries one); REST does.
  const principalId = value.principalId;
  if (principalId !== undefined && typeof principalId !== 'string') return { bad: '"principalId" is not a string' };
  if (options.apiKind === 'rest' && typeof principalId !== 'string') return { bad: '"principalId" is missing' };
  const doc = value.policyDocument;
  if (!isObject(doc)) return { bad: '"policyDocument" is missing or not an object' };
  const rawStatements = Array.isArray(doc.Statement) ? doc.Statement : isObject(doc.Statement) ? [doc.Statement] : undefined;
  if (!rawStatements || rawStatements.length === 0) return { bad: '"policyDocument.Statement" is missing or empty' };
  const statements: PolicyStatement[] = [];
  for (const [i, s] of rawStatements.entries()) {
    if (!isObject(s)) return { bad: `Statement[${i}] is not an object` };
    const effect = typeof s.Effect === 'string' ? s.Effect.toLowerCase() : '';
    if (effect !== 'allow' && effect !== 'deny') return { bad: `Statement[${i}].Effect must be "Allow" or "Deny"` };
    const actions = list(s.Action);
    if (!actions) return { bad: `Statement[${i}].Action is missing` };
    const resources = list(s.Resource);
    const notResources = list(s.NotResource);
    if (!resources === !notResources) return { bad: `Statement[${i}] needs exactly one of Resource and NotResource` };
    statements.push({ effect: effect === 'allow' ? 'Allow' : 'Deny', actions, ...(resources ? { resources } : { notResources: notResources! }) });
  }
  const usage = value.usageIdentifierKey;
  if (usage !== undefined && typeof usage !== 'string') return { bad: '"usageIdentifierKey" is not a string' };
  return { kind: 'policy', principalId: principalId ?? '', statements, context, ...(usage !== undefined ? { usageIdentifierKey: usage } : {}) };
}

/** IAM's wildcard match: `*` any run of characters (including `/` and `:`), `?` exactly one; everything else literal. */
export function wildcardMatch(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
  return re.test(value);
}

/** Does an Action name `execute-api:Invoke`? Service prefix and action are case-insensitive in IAM. */
function coversInvoke(actions: readonly string[]): boolean {
  return actions.some((a) => wildcardMatch(a.toLowerCase(), 'execute-api:invoke'));
}

function statementApplies(s: PolicyStatement, arn: string): boolean {
  if (!coversInvoke(s.actions)) return false;
  if (s.resources) return s.resources.some((r) => wildcardMatch(r, arn));
  return !s.notResources!.some((r) => wildcardMatch(r, arn));
}

/** IAM evaluation for one ARN: an explicit Deny wins, else an Allow is needed, else implicit deny. */
export function evaluatePolicy(statements: readonly PolicyStatement[], arn: string): 'allow' | 'explicit-deny' | 'implicit-deny' {
  const applying = statements.filter((s) => statementApplies(s, arn));
  if (applying.some((s) => s.effect === 'Deny')) return 'explicit-deny';
  return applying.some((s) => s.effect === 'Allow') ? 'allow' : 'implicit-deny';
}

const json = { 'content-type': 'application/json' };

/** The gateway's own refusals, per API kind (spec §7.2, §7.3; AWS knowledge center "403 errors with a Lambda authorizer"). */
export const GATEWAY_RESPONSES = {
  unauthorized: (reason: string): AuthDeny => ({ allow: false, status: 401, body: '{"message":"Unauthorized"}', headers: { ...json }, reason }),
  httpForbidden: (reason: string): AuthDeny => ({ allow: false, status: 403, body: '{"message":"Forbidden"}', headers: { ...json }, reason }),
  restExplicitDeny: (reason: string): AuthDeny => ({
    allow: false,
    status: 403,
    body: '{"message":"User is not authorized to access this resource with an explicit deny"}',
    headers: { ...json },
    reason,
  }),
  restImplicitDeny: (reason: string): AuthDeny => ({ allow: false, status: 403, body: '{"message":"User is not authorized to access this resource"}', headers: { ...json }, reason }),
  // HTTP API authorizer failures answer 500 Internal Server Error; REST's AUTHORIZER_CONFIGURATION_ERROR /
  // AUTHORIZER_FAILURE answer 500 with a null message string *(reported: `{"message": null}` in many REST users' threads)*.
  httpAuthorizerFailure: (reason: string): AuthDeny => ({ allow: false, status: 500, body: '{"message":"Internal Server Error"}', headers: { ...json }, reason }),
  restAuthorizerFailure: (reason: string): AuthDeny => ({ allow: false, status: 500, body: '{"message":null}', headers: { ...json }, reason }),
  // A resource policy's refusal names the anonymous caller and the method ARN (API Gateway developer guide, "Troubleshoot your resource policy").
  resourcePolicyDeny: (resource: string, explicit: boolean, reason: string): AuthDeny => ({
    allow: false,
    status: 403,
    body: JSON.stringify({ Message: `User: anonymous is not authorized to perform: execute-api:Invoke on resource: ${resource}${explicit ? ' with an explicit deny' : ''}` }),
    headers: { ...json },
    reason,
  }),
  // REST INVALID_API_KEY / API key required: 403 Forbidden (spec §7.3).
  apiKeyForbidden: (reason: string): AuthDeny => ({ allow: false, status: 403, body: '{"message":"Forbidden"}', headers: { ...json }, reason }),
};

/** The 500 of a failed authorizer, per API kind. */
export function authorizerFailure(apiKind: 'http' | 'rest', reason: string): AuthDeny {
  return apiKind === 'rest' ? GATEWAY_RESPONSES.restAuthorizerFailure(reason) : GATEWAY_RESPONSES.httpAuthorizerFailure(reason);
}

/**
 * `requestContext.authorizer` of the downstream event for a Lambda authorizer.
 * REST: principalId, the context keys flattened beside it with values as strings, and integrationLatency
 * (AWS "Output from an API Gateway Lambda authorizer": `$context.authorizer.<key>` are stringified *(reported for numbers and booleans)*).
 * HTTP API (both payload formats): `{ lambda: context }` (AWS "Lambda proxy integrations for HTTP APIs" examples).
 */
export function lambdaAuthorizerContext(apiKind: 'http' | 'rest', answer: AuthorizerAnswer, integrationLatencyMs: number): Record<string, unknown> {
  if (apiKind === 'http') return { lambda: { ...answer.context } };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(answer.context)) out[k] = String(v);
  out.principalId = answer.kind === 'policy' ? answer.principalId : '';
  out.integrationLatency = integrationLatencyMs;
  return out;
}
