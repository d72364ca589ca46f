// Identity sources: parse API Gateway's expressions, read their values from a request, decide "missing" (401 without invoking) and the cache key.
import { emuError } from '../../src/core/errors.js';
import type { AuthRequestView } from './types.js';

/** Where an identity source reads from. */
export type IdentityWhere = 'header' | 'querystring' | 'context' | 'stageVariables';

/** One parsed identity source expression. */
export interface IdentitySource {
  /** The expression as written, for messages. */
  expression: string;
  where: IdentityWhere;
  name: string;
}

// HTTP API: `$request.header.X`, `$request.querystring.X`, `$context.X`, `$stageVariables.X` (AWS "Lambda authorizers for HTTP APIs", identity sources).
// REST: `method.request.header.X`, `method.request.querystring.X` (and multivalue forms), `context.X`, `stageVariables.X` (AWS "Use API Gateway Lambda authorizers", REQUEST identity sources).
const FORMS: Array<[RegExp, IdentityWhere]> = [
  [/^\$request\.header\.(.+)$/, 'header'],
  [/^\$request\.querystring\.(.+)$/, 'querystring'],
  [/^\$context\.(.+)$/, 'context'],
  [/^\$stageVariables\.(.+)$/, 'stageVariables'],
  [/^method\.request\.(?:multivalue)?header\.(.+)$/, 'header'],
  [/^method\.request\.(?:multivalue)?querystring\.(.+)$/, 'querystring'],
  [/^context\.(.+)$/, 'context'],
  [/^stageVariables\.(.+)$/, 'stageVariables'],
];

/** Parses one expression; an unknown form is a configuration fault (EMU_AUTH_BAD_IDENTITY_SOURCE), never ignored. */
export function parseIdentitySource(expression: string, where = 'IdentitySource'): IdentitySource {
  const text = expression.trim();
  for (const [re, kind] of FORMS) {
    const m = re.exec(text);
    if (m && /^[^\s,]+$/.test(m[1]!)) return { expression: text, where: kind, name: m[1]! };
  }
  throw emuError('EMU_AUTH_BAD_IDENTITY_SOURCE', where, expression);
}

/** Parses a list, or REST's comma-separated string (`method.request.header.A, method.request.querystring.b`). */
export function parseIdentitySources(expressions: string | readonly string[], where = 'IdentitySource'): IdentitySource[] {
  const list = typeof expressions === 'string' ? expressions.split(',') : expressions;
  return list.map((e) => e.trim()).filter((e) => e !== '').map((e) => parseIdentitySource(e, where));
}

/** SAM's `Identity` block of a REQUEST authorizer, turned into expressions of the API's kind. */
export interface SamIdentity {
  Headers?: string[];
  QueryStrings?: string[];
  StageVariables?: string[];
  Context?: string[];
}

/** The expressions SAM generates for `Identity.Headers/QueryStrings/StageVariables/Context` (SAM's Api/HttpApi authorizer docs). */
export function identitySourcesFromSam(identity: SamIdentity, apiKind: 'http' | 'rest'): string[] {
  const rest = apiKind === 'rest';
  return [
    ...(identity.Headers ?? []).map((h) => (rest ? `method.request.header.${h}` : `$request.header.${h}`)),
    ...(identity.QueryStrings ?? []).map((q) => (rest ? `method.request.querystring.${q}` : `$request.querystring.${q}`)),
    ...(identity.StageVariables ?? []).map((s) => (rest ? `stageVariables.${s}` : `$stageVariables.${s}`)),
    ...(identity.Context ?? []).map((c) => (rest ? `context.${c}` : `$context.${c}`)),
  ];
}

/** Every value of a header (case-insensitive), in order. */
export function headerValuesOf(view: AuthRequestView, name: string): string[] {
  const wanted = name.toLowerCase();
  return view.headers.filter((h) => h.name.toLowerCase() === wanted).map((h) => h.value);
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Query pairs, decoded, keys without `=` valued `""`. */
export function queryPairsOf(rawQuery: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = decode(eq === -1 ? part : part.slice(0, eq));
    if (key !== '') pairs.push([key, eq === -1 ? '' : decode(part.slice(eq + 1))]);
  }
  return pairs;
}

/** The `$context` variables a request has ($context variable reference of API Gateway). */
export function contextVariables(view: AuthRequestView): Record<string, string> {
  return {
    accountId: view.accountId,
    apiId: view.apiId,
    domainName: view.domainName,
    domainPrefix: view.domainName.split('.')[0]!,
    extendedRequestId: view.extendedRequestId,
    httpMethod: view.method,
    'identity.sourceIp': view.sourceIp,
    path: view.fullPath,
    protocol: view.protocol,
    requestId: view.requestId,
    requestTimeEpoch: String(view.timeEpochMs),
    resourcePath: view.resource,
    routeKey: view.routeKey,
    stage: view.stage,
    ...view.contextVariables,
  };
}

/**
 * The value of one source, or undefined when missing. Repeated headers and query keys: HTTP API
 * joins them with `,` (as its payload 2.0 does), REST takes the last (as its `headers` map does).
 */
export function identityValue(view: AuthRequestView, source: IdentitySource): string | undefined {
  const pick = (values: string[]) => (values.length === 0 ? undefined : view.apiKind === 'http' ? values.join(',') : values[values.length - 1]);
  switch (source.where) {
    case 'header':
      return pick(headerValuesOf(view, source.name));
    case 'querystring':
      return pick(queryPairsOf(view.rawQuery).filter(([k]) => k === source.name).map(([, v]) => v));
    case 'context':
      return contextVariables(view)[source.name];
    case 'stageVariables':
      return Object.hasOwn(view.stageVariables, source.name) ? view.stageVariables[source.name] : undefined;
  }
}

/** The values of all sources, or the first one missing: a source that is absent, null or empty makes the request 401 (AWS). */
export function readIdentity(view: AuthRequestView, sources: readonly IdentitySource[]): { values: string[] } | { missing: IdentitySource } {
  const values: string[] = [];
  for (const source of sources) {
    const value = identityValue(view, source);
    if (value === undefined || value === '') return { missing: source };
    values.push(value);
  }
  return { values };
}

/** The cache key of a set of identity values: unambiguous whatever the values contain. */
export function identityCacheKey(authorizerName: string, values: readonly string[]): string {
  return JSON.stringify([authorizerName, ...values]);
}

/**
 * `ValidationExpression` of a TOKEN authorizer: the token must match the whole expression
 * (API Gateway is Java and uses a full match *(unverified)*; anchors in the expression are harmless).
 * An expression that is not a valid regular expression is a configuration fault.
 */
export function tokenMatches(token: string, expression: string): boolean {
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${expression})$`, 'u');
  } catch {
    throw emuError('EMU_AUTH_BAD_VALIDATION_EXPRESSION', expression);
  }
  return re.test(token);
}
