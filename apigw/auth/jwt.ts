// JWT and Cognito user pool authorizers: JWKS discovery and caching (with local overrides), token checks with jose, the claims AWS passes on.
import { readFileSync } from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { emuError } from '../../src/core/errors.js';

/** Where an issuer's keys come from instead of its discovery document: a JWKS file path or a JWKS URL (offline work). */
export type JwksOverrides = Record<string, string>;

/** Signature algorithms accepted: API Gateway's JWT authorizer supports RSA-based algorithms only (AWS "JWT authorizers for HTTP APIs"). */
export const JWT_ALGORITHMS = ['RS256', 'RS384', 'RS512'];

const trimSlash = (s: string) => s.replace(/\/+$/, '');

/** Finds and caches each issuer's key set: `<issuer>/.well-known/openid-configuration` → `jwks_uri`, or an override. */
export class JwksResolver {
  private readonly sets = new Map<string, Promise<JWTVerifyGetKey>>();
  private readonly overrides = new Map<string, string>();

  constructor(overrides: JwksOverrides = {}) {
    for (const [issuer, where] of Object.entries(overrides)) this.overrides.set(trimSlash(issuer), where);
  }

  /** The key lookup of an issuer; a failed discovery is not cached, so the next request tries again. */
  keysFor(issuer: string): Promise<JWTVerifyGetKey> {
    const id = trimSlash(issuer);
    let set = this.sets.get(id);
    if (!set) {
      set = this.load(id);
      this.sets.set(id, set);
      set.catch(() => this.sets.delete(id));
    }
    return set;
  }

  private async load(issuer: string): Promise<JWTVerifyGetKey> {
    const override = this.overrides.get(issuer);
    if (override !== undefined) {
      if (/^https?:\/\//i.test(override)) return createRemoteJWKSet(new URL(override));
      let jwks: unknown;
      try {
        jwks = JSON.parse(readFileSync(override, 'utf8'));
      } catch (err) {
        throw emuError('EMU_AUTH_BAD_CONFIG', issuer, `cannot read the local JWKS ${override}: ${(err as Error).message}`);
      }
      return createLocalJWKSet(jwks as Parameters<typeof createLocalJWKSet>[0]);
    }
    const discovery = `${issuer}/.well-known/openid-configuration`;
    const res = await fetch(discovery, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Error(`${discovery} answered ${res.status}`);
    const doc = (await res.json()) as { jwks_uri?: unknown };
    if (typeof doc.jwks_uri !== 'string') throw new Error(`${discovery} has no jwks_uri`);
    // jose's remote set fetches on first use, re-fetches on an unknown kid, and caches the keys.
    return createRemoteJWKSet(new URL(doc.jwks_uri));
  }
}

/** A checked token: its claims and scopes as API Gateway passes them on. */
export interface VerifiedToken {
  claims: Record<string, string>;
  scopes: string[] | null;
  payload: JWTPayload;
}

/** Why a token was refused: `unauthorized` → 401, `forbidden` (missing scope) → 403, `failure` (no keys) → 500. */
export interface TokenRefusal {
  refused: 'unauthorized' | 'forbidden' | 'failure';
  reason: string;
}

/** Bearer prefix is optional in the identity source value (AWS "JWT authorizers": "API Gateway ... optionally prefixed with Bearer"). */
export function bearerToken(value: string): string {
  return value.replace(/^bearer\s+/i, '').trim();
}

/** `scope` (space-separated string) or `scp` (list or string), as OAuth servers spell them. */
export function tokenScopes(payload: JWTPayload): string[] {
  const raw = payload.scope ?? payload.scp;
  if (typeof raw === 'string') return raw.split(' ').filter((s) => s !== '');
  if (Array.isArray(raw)) return raw.filter((s): s is string => typeof s === 'string');
  return [];
}

/**
 * Claims as API Gateway hands them to the integration: every value a string, lists rendered as
 * `[a b]` *(reported: `"cognito:groups": "[admin users]"` in HTTP API events)*, objects as JSON.
 */
export function stringifyClaims(payload: JWTPayload): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(payload)) {
    out[k] = typeof v === 'string' ? v : Array.isArray(v) ? `[${v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(' ')}]` : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
  }
  return out;
}

function describe(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return 'the token has expired';
  if (err instanceof joseErrors.JWTClaimValidationFailed) return `claim "${err.claim}" failed: ${err.message}`;
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'the signature does not verify';
  if (err instanceof joseErrors.JWKSNoMatchingKey) return 'no key of the issuer matches the token';
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return `algorithm not allowed: ${err.message}`;
  if (err instanceof joseErrors.JOSEError) return err.message;
  return (err as Error).message ?? String(err);
}

export interface VerifyOptions {
  issuer: string;
  /** HTTP API `audience`: `aud` must hold one, or, without `aud`, `client_id` must be one. Absent: no audience check (REST Cognito). */
  audience?: readonly string[];
  /** The route's `AuthorizationScopes`: the token needs at least one of them. */
  requiredScopes?: readonly string[];
  /** Cognito: which `token_use` values are accepted. */
  tokenUse?: readonly string[];
  nowMs: number;
  keys: JwksResolver;
}

/** Checks a token as API Gateway does: RSA signature from the issuer's keys, `iss`, `exp` (required), `nbf`, `iat`, audience, scopes. */
export async function verifyToken(token: string, options: VerifyOptions): Promise<VerifiedToken | TokenRefusal> {
  if (token === '') return { refused: 'unauthorized', reason: 'the token is empty' };
  let getKey: JWTVerifyGetKey;
  try {
    getKey = await options.keys.keysFor(options.issuer);
  } catch (err) {
    return { refused: 'failure', reason: `cannot get the keys of issuer ${options.issuer}: ${describe(err)}` };
  }
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, getKey, {
      issuer: options.issuer,
      algorithms: JWT_ALGORITHMS,
      requiredClaims: ['exp'],
      currentDate: new Date(options.nowMs),
    }));
  } catch (err) {
    if (err instanceof joseErrors.JWKSTimeout || (err instanceof Error && !(err instanceof joseErrors.JOSEError))) {
      return { refused: 'failure', reason: `cannot check the token against issuer ${options.issuer}: ${describe(err)}` };
    }
    return { refused: 'unauthorized', reason: describe(err) };
  }
  // `iat` in the future is refused (AWS: "iat must be before the current time").
  if (typeof payload.iat === 'number' && payload.iat * 1000 > options.nowMs + 1000) return { refused: 'unauthorized', reason: 'claim "iat" is in the future' };
  if (options.audience) {
    const aud = payload.aud === undefined ? undefined : Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    const ok = aud ? aud.some((a) => options.audience!.includes(a)) : typeof payload.client_id === 'string' && options.audience.includes(payload.client_id);
    if (!ok) return { refused: 'unauthorized', reason: aud ? `claim "aud" (${aud.join(', ')}) is not one of ${options.audience.join(', ')}` : 'the token has neither "aud" nor a matching "client_id"' };
  }
  if (options.tokenUse && !options.tokenUse.includes(String(payload.token_use))) {
    return { refused: 'unauthorized', reason: `claim "token_use" is ${String(payload.token_use)}, expected ${options.tokenUse.join(' or ')}` };
  }
  const scopes = tokenScopes(payload);
  if (options.requiredScopes && options.requiredScopes.length > 0 && !options.requiredScopes.some((s) => scopes.includes(s))) {
    return { refused: 'forbidden', reason: `the token's scopes (${scopes.join(' ') || 'none'}) include none of ${options.requiredScopes.join(', ')}` };
  }
  return { claims: stringifyClaims(payload), scopes: scopes.length > 0 ? scopes : null, payload };
}

/** `arn:aws:cognito-idp:<region>:<account>:userpool/<poolId>` → `https://cognito-idp.<region>.amazonaws.com/<poolId>` (Cognito "Verifying a JSON Web Token"). */
export function cognitoIssuer(userPoolArn: string, authorizerName = 'CognitoAuthorizer'): string {
  const m = /^arn:aws[\w-]*:cognito-idp:([a-z0-9-]+):\d{12}:userpool\/([\w-]+_[0-9A-Za-z]+)$/.exec(userPoolArn);
  if (!m) throw emuError('EMU_AUTH_BAD_CONFIG', authorizerName, `UserPoolArn "${userPoolArn}" is not a Cognito user pool ARN (arn:aws:cognito-idp:<region>:<account>:userpool/<poolId>)`);
  return `https://cognito-idp.${m[1]}.amazonaws.com/${m[2]}`;
}
