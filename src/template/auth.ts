// SAM's Auth of AWS::Serverless::Api / HttpApi and of Api / HttpApi events → the access control of each route; every shape not read fails with its place.
import { isIP } from 'node:net';
import type { AuthorizerConfig, RouteAuth, SourceIpPolicy } from '../core/auth.js';
import type { PropertyReader } from './properties.js';
import type { ApiKind, FunctionSpec, PayloadFormatVersion } from './types.js';
import { isPlainMap, isRecord, type Value } from './values.js';

/** What an API's `Auth` declares: its authorizers by name, the default, the API-wide key requirement. */
export interface ApiAuth {
  authorizers: Map<string, AuthorizerConfig>;
  defaultAuthorizer?: string;
  apiKeyRequired: boolean;
  /** `Auth.ResourcePolicy` source-IP ranges. */
  resourcePolicy?: SourceIpPolicy;
}

// The keys of Auth this reader understands; any other is refused (a silent pass would open a route AWS protects).
const API_AUTH_KEYS: Record<ApiKind, ReadonlySet<string>> = {
  rest: new Set(['Authorizers', 'DefaultAuthorizer', 'ApiKeyRequired', 'AddDefaultAuthorizerToCorsPreflight', 'UsagePlan', 'ResourcePolicy']),
  http: new Set(['Authorizers', 'DefaultAuthorizer', 'EnableIamAuthorizer']),
};
const EVENT_AUTH_KEYS: Record<ApiKind, ReadonlySet<string>> = {
  rest: new Set(['Authorizer', 'AuthorizationScopes', 'ApiKeyRequired', 'ResourcePolicy']),
  http: new Set(['Authorizer', 'AuthorizationScopes']),
};

const DEFAULT_TTL = 300;

/** `FunctionArn: !GetAtt Fn.Arn` (or an ARN / name string) → the function of this template it names. */
function authorizerFunction(reader: PropertyReader, key: string, functions: ReadonlyMap<string, FunctionSpec>): FunctionSpec | undefined {
  const raw = reader.raw[key];
  let id: string | undefined;
  if (isRecord(raw) && 'Fn::GetAtt' in raw) {
    const arg = raw['Fn::GetAtt'];
    if (Array.isArray(arg) && typeof arg[0] === 'string') id = arg[0];
    else if (typeof arg === 'string') id = arg.split('.')[0];
  }
  if (id !== undefined && functions.has(id)) return functions.get(id);
  const value = reader.value(key);
  if (typeof value === 'string') {
    const name = /:function:([^:/]+)/.exec(value)?.[1] ?? value;
    for (const fn of functions.values()) if (fn.functionName === name || fn.logicalId === name) return fn;
  }
  reader.bad([key], 'must name a function of this template (!GetAtt Fn.Arn); other authorizer functions cannot run locally');
  return undefined;
}

function ttl(reader: PropertyReader): number {
  if (!reader.has('Identity')) return DEFAULT_TTL;
  return reader.nested('Identity').integer('ReauthorizeEvery', 0, 3600) ?? DEFAULT_TTL;
}

function refuseUnknown(reader: PropertyReader, known: ReadonlySet<string>, what: string): void {
  for (const key of Object.keys(reader.raw)) {
    if (!known.has(key)) reader.bad([key], `${what} ${key} is not supported by the emulator (supported: ${[...known].join(', ')})`);
  }
}

function identitySources(reader: PropertyReader, kind: ApiKind): string[] {
  if (!reader.has('Identity')) return kind === 'rest' ? [] : ['$request.header.Authorization'];
  const id = reader.nested('Identity');
  refuseUnknown(id, new Set(['Headers', 'QueryStrings', 'StageVariables', 'Context', 'ReauthorizeEvery']), 'Identity');
  const rest = kind === 'rest';
  return [
    ...(id.stringList('Headers') ?? []).map((h) => (rest ? `method.request.header.${h}` : `$request.header.${h}`)),
    ...(id.stringList('QueryStrings') ?? []).map((q) => (rest ? `method.request.querystring.${q}` : `$request.querystring.${q}`)),
    ...(id.stringList('StageVariables') ?? []).map((s) => (rest ? `stageVariables.${s}` : `$stageVariables.${s}`)),
    ...(id.stringList('Context') ?? []).map((c) => (rest ? `context.${c}` : `$context.${c}`)),
  ];
}

function readAuthorizer(name: string, reader: PropertyReader, kind: ApiKind, functions: ReadonlyMap<string, FunctionSpec>): AuthorizerConfig | undefined {
  if (kind === 'http') {
    if (reader.has('JwtConfiguration')) {
      refuseUnknown(reader, new Set(['JwtConfiguration', 'IdentitySource', 'AuthorizationScopes']), 'a JWT authorizer\'s');
      const jwt = reader.nested('JwtConfiguration');
      refuseUnknown(jwt, new Set(['issuer', 'audience']), 'JwtConfiguration');
      const issuer = jwt.string('issuer', 'a JWT authorizer needs an issuer');
      const audience = jwt.stringList('audience') ?? [];
      if (audience.length === 0) jwt.missing('audience', 'a JWT authorizer needs an audience');
      if (issuer === undefined || audience.length === 0) return undefined;
      const scopes = reader.stringList('AuthorizationScopes');
      return { kind: 'jwt', name, issuer, audience, identitySource: reader.string('IdentitySource') ?? '$request.header.Authorization', ...(scopes && scopes.length > 0 ? { authorizationScopes: scopes } : {}) };
    }
    if (reader.has('FunctionArn')) {
      refuseUnknown(reader, new Set(['FunctionArn', 'FunctionInvokeRole', 'FunctionPayloadType', 'AuthorizerPayloadFormatVersion', 'EnableSimpleResponses', 'EnableFunctionDefaultPermissions', 'Identity']), 'a Lambda authorizer\'s');
      const fn = authorizerFunction(reader, 'FunctionArn', functions);
      const version = reader.string('AuthorizerPayloadFormatVersion', 'an HttpApi Lambda authorizer needs AuthorizerPayloadFormatVersion (1.0 or 2.0)');
      const payload: PayloadFormatVersion | undefined = version === '1.0' || version === '1' ? '1.0' : version === '2.0' || version === '2' ? '2.0' : undefined;
      if (version !== undefined && !payload) reader.bad(['AuthorizerPayloadFormatVersion'], 'must be "1.0" or "2.0"');
      const type = reader.string('FunctionPayloadType');
      if (type !== undefined && type !== 'REQUEST') reader.bad(['FunctionPayloadType'], 'an HttpApi Lambda authorizer is REQUEST only');
      if (!fn || !payload) return undefined;
      const simple = reader.known('EnableSimpleResponses') === true || reader.known('EnableSimpleResponses') === 'true';
      return { kind: 'lambda-request', name, functionName: fn.functionName, apiKind: 'http', payloadFormatVersion: payload, enableSimpleResponses: simple, identitySources: identitySources(reader, 'http'), reauthorizeEverySeconds: ttl(reader) };
    }
    reader.bad([], 'an HttpApi authorizer needs JwtConfiguration or FunctionArn (IAM and other kinds are not supported)');
    return undefined;
  }
  if (reader.has('UserPoolArn')) {
    refuseUnknown(reader, new Set(['UserPoolArn', 'Identity', 'AuthorizationScopes']), 'a Cognito authorizer\'s');
    const value = reader.known('UserPoolArn', 'a Cognito authorizer needs UserPoolArn');
    const arns = typeof value === 'string' ? [value] : Array.isArray(value) ? reader.stringListValue(value, ['UserPoolArn']) ?? [] : [];
    if (value !== undefined && arns.length === 0) reader.bad(['UserPoolArn'], 'must be an ARN or a list of ARNs');
    const id = reader.nested('Identity');
    if (reader.has('Identity')) refuseUnknown(id, new Set(['Header', 'ValidationExpression']), 'Identity');
    const validation = id.string('ValidationExpression');
    const scopes = reader.stringList('AuthorizationScopes');
    return arns.length === 0
      ? undefined
      : { kind: 'cognito', name, userPoolArns: arns, header: id.string('Header') ?? 'Authorization', ...(validation !== undefined ? { validationExpression: validation } : {}), ...(scopes && scopes.length > 0 ? { authorizationScopes: scopes } : {}) };
  }
  if (reader.has('FunctionArn')) {
    refuseUnknown(reader, new Set(['FunctionArn', 'FunctionInvokeRole', 'FunctionPayloadType', 'Identity', 'DisableFunctionDefaultPermissions']), 'a Lambda authorizer\'s');
    const fn = authorizerFunction(reader, 'FunctionArn', functions);
    const type = reader.choice('FunctionPayloadType', ['TOKEN', 'REQUEST'] as const) ?? 'TOKEN';
    if (!fn) return undefined;
    if (type === 'REQUEST') {
      return { kind: 'lambda-request', name, functionName: fn.functionName, apiKind: 'rest', payloadFormatVersion: '1.0', enableSimpleResponses: false, identitySources: identitySources(reader, 'rest'), reauthorizeEverySeconds: ttl(reader) };
    }
    const id = reader.nested('Identity');
    if (reader.has('Identity')) refuseUnknown(id, new Set(['Header', 'ValidationExpression', 'ReauthorizeEvery']), 'Identity');
    const validation = id.string('ValidationExpression');
    return { kind: 'lambda-token', name, functionName: fn.functionName, header: id.string('Header') ?? 'Authorization', ...(validation !== undefined ? { validationExpression: validation } : {}), reauthorizeEverySeconds: ttl(reader) };
  }
  reader.bad([], 'an Api authorizer needs FunctionArn (Lambda) or UserPoolArn (Cognito); IAM is not supported');
  return undefined;
}

/** Reads an API's `Auth` (from the resource or from Globals for the implicit APIs). */
export function readApiAuth(api: PropertyReader, kind: ApiKind, functions: ReadonlyMap<string, FunctionSpec>): ApiAuth {
  const out: ApiAuth = { authorizers: new Map(), apiKeyRequired: false };
  if (api.has('ResourcePolicy')) api.bad(['ResourcePolicy'], 'a ResourcePolicy property is not supported by the emulator; declare it as Auth.ResourcePolicy (IpRangeWhitelist / IpRangeBlacklist are checked locally)');
  if (!api.has('Auth')) return out;
  const auth = api.nested('Auth');
  refuseUnknown(auth, API_AUTH_KEYS[kind], 'Auth');
  const policy = auth.has('ResourcePolicy') ? readResourcePolicy(auth.nested('ResourcePolicy')) : undefined;
  if (policy) out.resourcePolicy = policy;
  if (auth.known('EnableIamAuthorizer') === true) auth.bad(['EnableIamAuthorizer'], 'IAM authorization is not supported by the emulator');
  const authorizers = auth.map('Authorizers') ?? {};
  const list = auth.nested('Authorizers');
  for (const name of Object.keys(authorizers)) {
    if (!isPlainMap(authorizers[name] as Value)) {
      list.bad([name], 'must be a map');
      continue;
    }
    const config = readAuthorizer(name, list.nested(name), kind, functions);
    if (config) out.authorizers.set(name, config);
  }
  const def = auth.string('DefaultAuthorizer');
  if (def !== undefined && def !== 'NONE') {
    if (def === 'AWS_IAM') auth.bad(['DefaultAuthorizer'], 'AWS_IAM is not supported by the emulator');
    else if (!out.authorizers.has(def) && !(def in authorizers)) auth.bad(['DefaultAuthorizer'], `"${def}" is not one of Auth.Authorizers (${Object.keys(authorizers).join(', ') || 'none'})`);
    else out.defaultAuthorizer = def;
  }
  out.apiKeyRequired = auth.known('ApiKeyRequired') === true;
  // A usage plan meters keys but grants no access: its absence opens nothing, so it is read with a warning rather than refused.
  if (auth.has('UsagePlan')) auth.warn(['UsagePlan'], 'usage plans are not emulated: API keys are checked, their quotas and throttles are not');
  return out;
}

// Of SAM's ResourcePolicy keys only the source-IP ones can be checked here: accounts, VPCs and custom statements need AWS.
const RESOURCE_POLICY_KEYS = new Set(['IpRangeWhitelist', 'IpRangeBlacklist']);

/** `ResourcePolicy: { IpRangeWhitelist, IpRangeBlacklist }` → the source-IP policy; every other key fails the start. */
function readResourcePolicy(reader: PropertyReader): SourceIpPolicy | undefined {
  for (const key of Object.keys(reader.raw)) {
    if (!RESOURCE_POLICY_KEYS.has(key)) reader.bad([key], `ResourcePolicy ${key} is not supported by the emulator: only IpRangeWhitelist and IpRangeBlacklist can be checked locally`);
  }
  const ranges = (key: string) => {
    const list = reader.stringList(key) ?? [];
    for (const range of list) {
      const [address, bits, extra] = range.split('/');
      const family = isIP(address ?? '');
      const max = family === 6 ? 128 : 32;
      if (!family || extra !== undefined || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= max))) reader.bad([key], `"${range}" is not an IP address or CIDR block`);
    }
    return list;
  };
  const policy = { allow: ranges('IpRangeWhitelist'), deny: ranges('IpRangeBlacklist') };
  return policy.allow.length > 0 || policy.deny.length > 0 ? policy : undefined;
}

/** The access control of one event's route: its Auth over the API's defaults. */
export function readEventAuth(event: PropertyReader, kind: ApiKind, payload: PayloadFormatVersion, api: ApiAuth): RouteAuth | undefined {
  let name = api.defaultAuthorizer;
  let scopes: string[] | undefined;
  let keyRequired = api.apiKeyRequired;
  let sourceIp = api.resourcePolicy;
  if (event.has('Auth')) {
    const auth = event.nested('Auth');
    refuseUnknown(auth, EVENT_AUTH_KEYS[kind], 'event Auth');
    // An event's ResourcePolicy adds its statements to the API's (SAM appends them to the API's policy).
    const own = auth.has('ResourcePolicy') ? readResourcePolicy(auth.nested('ResourcePolicy')) : undefined;
    if (own) sourceIp = { allow: [...(sourceIp?.allow ?? []), ...own.allow], deny: [...(sourceIp?.deny ?? []), ...own.deny] };
    const chosen = auth.string('Authorizer');
    if (chosen === 'NONE') name = undefined;
    else if (chosen === 'AWS_IAM') auth.bad(['Authorizer'], 'AWS_IAM is not supported by the emulator');
    else if (chosen !== undefined) {
      if (!api.authorizers.has(chosen)) auth.bad(['Authorizer'], `"${chosen}" is not one of the API's Auth.Authorizers (${[...api.authorizers.keys()].join(', ') || 'none'})`);
      name = chosen;
    }
    scopes = auth.stringList('AuthorizationScopes');
    const key = auth.known('ApiKeyRequired');
    if (key !== undefined) keyRequired = key === true || key === 'true';
  }
  const authorizer = name !== undefined ? api.authorizers.get(name) : undefined;
  if (!authorizer && !keyRequired && !sourceIp) return undefined;
  // A route without its own AuthorizationScopes takes its authorizer's (SAM OAuth2Authorizer / CognitoAuthorizer AuthorizationScopes).
  if ((!scopes || scopes.length === 0) && authorizer && (authorizer.kind === 'jwt' || authorizer.kind === 'cognito')) scopes = authorizer.authorizationScopes;
  return {
    apiKind: kind,
    payloadFormatVersion: payload,
    ...(authorizer ? { authorizer } : {}),
    ...(scopes && scopes.length > 0 ? { authorizationScopes: scopes } : {}),
    ...(keyRequired ? { apiKeyRequired: true } : {}),
    ...(sourceIp ? { sourceIp } : {}),
  };
}

/** `AWS::ApiGateway::ApiKey` values of the template (`Value`, when given). */
export function apiKeyValue(reader: PropertyReader): string | undefined {
  const v = reader.value('Value');
  return typeof v === 'string' ? v : undefined;
}
