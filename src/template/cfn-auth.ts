// Authorizers declared as CloudFormation resources (AWS::ApiGateway::Authorizer, AWS::ApiGatewayV2::Authorizer) and the
// AuthorizationType / AuthorizerId / AuthorizationScopes / ApiKeyRequired of the Methods and Routes that use them → RouteAuth.
import type { AuthorizerConfig, RouteAuth } from '../core/auth.js';
import type { PropertyReader } from './properties.js';
import { namedIds, refTarget, type ResourceEntry } from './refs.js';
import { integrationFunction } from './routes.js';
import type { ApiKind, FunctionSpec, PayloadFormatVersion } from './types.js';

export const CFN_AUTHORIZER_TYPES = ['AWS::ApiGateway::Authorizer', 'AWS::ApiGatewayV2::Authorizer'] as const;

/** An authorizer resource as read: the API it belongs to and what the gateway checks; `undefined` config when it was refused (reported). */
export interface CfnAuthorizer {
  apiLogicalId: string | undefined;
  kind: ApiKind;
  config: AuthorizerConfig | undefined;
}

// "If this field is not set, the default value is 300" (API Gateway API reference, Authorizer.authorizerResultTtlInSeconds; v1 and v2).
const DEFAULT_TTL = 300;

/** The template's functions by logical id, and by FunctionName or logical id as an ARN names them. */
export interface FunctionLookup {
  functions: ReadonlyMap<string, FunctionSpec>;
  byName: ReadonlyMap<string, FunctionSpec>;
}

/** The function an `AuthorizerUri` (`arn:aws:apigateway:…:lambda:path/2015-03-31/functions/<function ARN>/invocations`) names. */
function authorizerFunction(r: PropertyReader, { functions, byName }: FunctionLookup): FunctionSpec | undefined {
  const fn = integrationFunction(r.value('AuthorizerUri') ?? undefined, byName) ?? [...namedIds(r.raw.AuthorizerUri)].map((id) => functions.get(id)).find((f) => f !== undefined);
  if (!fn) {
    if (r.has('AuthorizerUri')) r.bad(['AuthorizerUri'], 'must be the invocation URI of a function of this template (!Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations); other authorizer functions cannot run locally');
    else r.missing('AuthorizerUri', 'a Lambda authorizer needs AuthorizerUri');
  }
  return fn;
}

function ttl(r: PropertyReader): number {
  return r.integer('AuthorizerResultTtlInSeconds', 0, 3600) ?? DEFAULT_TTL;
}

/** REST `IdentitySource` of a TOKEN or Cognito authorizer: `method.request.header.Name` → `Name`. */
function tokenHeader(r: PropertyReader, required: string): string | undefined {
  const source = r.string('IdentitySource', required);
  if (source === undefined) return undefined;
  const header = /^method\.request\.header\.(.+)$/.exec(source.trim())?.[1];
  if (header === undefined) r.bad(['IdentitySource'], `"${source}" is not method.request.header.<name>, the only identity source of a TOKEN or Cognito authorizer`);
  return header;
}

function readRestAuthorizer(name: string, r: PropertyReader, functions: FunctionLookup): AuthorizerConfig | undefined {
  const type = r.choice('Type', ['TOKEN', 'REQUEST', 'COGNITO_USER_POOLS'] as const);
  if (type === undefined) {
    if (!r.has('Type')) r.missing('Type', 'an AWS::ApiGateway::Authorizer needs Type (TOKEN, REQUEST or COGNITO_USER_POOLS)');
    return undefined;
  }
  const validation = r.string('IdentityValidationExpression');
  const validates = validation !== undefined ? { validationExpression: validation } : {};
  if (type === 'COGNITO_USER_POOLS') {
    const pools = r.stringList('ProviderARNs') ?? [];
    if (pools.length === 0 && !r.has('ProviderARNs')) r.missing('ProviderARNs', 'a COGNITO_USER_POOLS authorizer needs ProviderARNs');
    const header = tokenHeader(r, 'a COGNITO_USER_POOLS authorizer needs IdentitySource (method.request.header.Authorization)');
    return pools.length > 0 && header !== undefined ? { kind: 'cognito', name, userPoolArns: pools, header, ...validates } : undefined;
  }
  const fn = authorizerFunction(r, functions);
  if (type === 'TOKEN') {
    const header = tokenHeader(r, 'a TOKEN authorizer needs IdentitySource (method.request.header.<name>)');
    return fn && header !== undefined ? { kind: 'lambda-token', name, functionName: fn.functionName, header, ...validates, reauthorizeEverySeconds: ttl(r) } : undefined;
  }
  // REQUEST: "a comma-separated list of mapping expressions" (CloudFormation AWS::ApiGateway::Authorizer IdentitySource).
  const sources = (r.string('IdentitySource') ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const source of sources) {
    if (!/^(method\.request\.(header|querystring)\.|stageVariables\.|context\.)./.test(source)) r.bad(['IdentitySource'], `"${source}" is not method.request.header.X, method.request.querystring.X, stageVariables.X or context.X`);
  }
  return fn ? { kind: 'lambda-request', name, functionName: fn.functionName, apiKind: 'rest', payloadFormatVersion: '1.0', enableSimpleResponses: false, identitySources: sources, reauthorizeEverySeconds: ttl(r) } : undefined;
}

function readHttpAuthorizer(name: string, r: PropertyReader, functions: FunctionLookup): AuthorizerConfig | undefined {
  const type = r.choice('AuthorizerType', ['JWT', 'REQUEST'] as const);
  if (type === undefined) {
    if (!r.has('AuthorizerType')) r.missing('AuthorizerType', 'an AWS::ApiGatewayV2::Authorizer needs AuthorizerType (JWT or REQUEST)');
    return undefined;
  }
  const sources = r.stringList('IdentitySource') ?? [];
  if (type === 'JWT') {
    const jwt = r.nested('JwtConfiguration');
    if (!r.has('JwtConfiguration')) r.missing('JwtConfiguration', 'a JWT authorizer needs JwtConfiguration (Issuer, Audience)');
    const issuer = jwt.string('Issuer', 'a JWT authorizer needs an Issuer');
    const audience = jwt.stringList('Audience') ?? [];
    if (audience.length === 0 && r.has('JwtConfiguration')) jwt.missing('Audience', 'a JWT authorizer needs an Audience');
    if (sources.length > 1) r.bad(['IdentitySource'], 'a JWT authorizer takes one identity source');
    return issuer !== undefined && audience.length > 0 ? { kind: 'jwt', name, issuer, audience, identitySource: sources[0] ?? '$request.header.Authorization' } : undefined;
  }
  const fn = authorizerFunction(r, functions);
  const version = r.string('AuthorizerPayloadFormatVersion', 'an HTTP API Lambda authorizer needs AuthorizerPayloadFormatVersion (1.0 or 2.0)');
  const payload: PayloadFormatVersion | undefined = version === '1.0' ? '1.0' : version === '2.0' ? '2.0' : undefined;
  if (version !== undefined && !payload) r.bad(['AuthorizerPayloadFormatVersion'], 'must be "1.0" or "2.0"');
  const simple = r.known('EnableSimpleResponses');
  return fn && payload
    ? { kind: 'lambda-request', name, functionName: fn.functionName, apiKind: 'http', payloadFormatVersion: payload, enableSimpleResponses: simple === true || simple === 'true', identitySources: sources, reauthorizeEverySeconds: ttl(r) }
    : undefined;
}

/** Reads every authorizer resource of the template, by logical id. */
export function readCfnAuthorizers(entries: readonly ResourceEntry[], reader: (e: ResourceEntry) => PropertyReader, functions: FunctionLookup): Map<string, CfnAuthorizer> {
  const out = new Map<string, CfnAuthorizer>();
  for (const entry of entries) {
    const r = reader(entry);
    const rest = entry.type === 'AWS::ApiGateway::Authorizer';
    const name = r.string('Name') ?? entry.logicalId;
    const apiLogicalId = refTarget(entry.properties[rest ? 'RestApiId' : 'ApiId']);
    const config = rest ? readRestAuthorizer(name, r, functions) : readHttpAuthorizer(name, r, functions);
    out.set(entry.logicalId, { apiLogicalId, kind: rest ? 'rest' : 'http', config });
  }
  return out;
}

// The AuthorizationType each authorizer kind is attached with (CloudFormation AWS::ApiGateway::Method / AWS::ApiGatewayV2::Route AuthorizationType).
const ATTACHED_AS: Record<AuthorizerConfig['kind'], string> = { 'lambda-token': 'CUSTOM', 'lambda-request': 'CUSTOM', cognito: 'COGNITO_USER_POOLS', jwt: 'JWT' };

/**
 * The access control of a REST Method or an HTTP API Route: `AuthorizationType` with `AuthorizerId`, `AuthorizationScopes`,
 * and (REST) `ApiKeyRequired`. Whatever cannot be checked locally (AWS_IAM) fails the start rather than leave the route open.
 */
export function readCfnRouteAuth(r: PropertyReader, api: { logicalId: string; kind: ApiKind }, payload: PayloadFormatVersion, authorizers: ReadonlyMap<string, CfnAuthorizer>): RouteAuth | undefined {
  const rest = api.kind === 'rest';
  const choices = rest ? (['NONE', 'CUSTOM', 'COGNITO_USER_POOLS', 'AWS_IAM'] as const) : (['NONE', 'JWT', 'CUSTOM', 'AWS_IAM'] as const);
  const type = r.choice<string>('AuthorizationType', choices) ?? 'NONE';
  let authorizer: AuthorizerConfig | undefined;
  if (type === 'AWS_IAM') r.bad(['AuthorizationType'], 'AWS_IAM is not supported by the emulator: IAM signatures cannot be checked locally');
  else if (type !== 'NONE') {
    const id = refTarget(r.raw.AuthorizerId);
    const found = id !== undefined ? authorizers.get(id) : undefined;
    if (!found) {
      if (r.has('AuthorizerId')) r.bad(['AuthorizerId'], `names no ${rest ? 'AWS::ApiGateway::Authorizer' : 'AWS::ApiGatewayV2::Authorizer'} of this template`);
      else r.missing('AuthorizerId', `AuthorizationType ${type} needs an AuthorizerId`);
    } else if (found.kind !== api.kind || (found.apiLogicalId !== undefined && found.apiLogicalId !== api.logicalId)) {
      r.bad(['AuthorizerId'], `${id} belongs to ${found.apiLogicalId ?? 'another API'}, not to ${api.logicalId}`);
    } else if (found.config) {
      if (ATTACHED_AS[found.config.kind] !== type) r.bad(['AuthorizationType'], `${id} is a ${ATTACHED_AS[found.config.kind]} authorizer, not ${type}`);
      else authorizer = found.config;
    }
    // A refused authorizer was reported at its resource; the route stays closed because the start fails.
  }
  const scopes = r.stringList('AuthorizationScopes');
  if (scopes && scopes.length > 0 && authorizer && authorizer.kind !== 'jwt' && authorizer.kind !== 'cognito') {
    r.warn(['AuthorizationScopes'], 'scopes are checked only with a JWT or Cognito authorizer; ignored, as API Gateway ignores them');
  }
  const key = r.known('ApiKeyRequired');
  const keyRequired = key === true || key === 'true';
  if (keyRequired && !rest) r.bad(['ApiKeyRequired'], 'API keys are a REST API (and WebSocket) feature; an HTTP API route cannot require one');
  if (!authorizer && !keyRequired) return undefined;
  return {
    apiKind: api.kind,
    payloadFormatVersion: payload,
    ...(authorizer ? { authorizer } : {}),
    ...(scopes && scopes.length > 0 && authorizer && (authorizer.kind === 'jwt' || authorizer.kind === 'cognito') ? { authorizationScopes: scopes } : {}),
    ...(keyRequired && rest ? { apiKeyRequired: true } : {}),
  };
}
