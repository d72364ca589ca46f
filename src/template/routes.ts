// Api / HttpApi events, implicit and explicit AWS::Serverless::Api / HttpApi resources and inline OpenAPI → ApiSpec[] and RouteSpec[], settings per API.
import { readApiAuth, readEventAuth, type ApiAuth } from './auth.js';
import { readHttpCors, readRestCors } from './cors.js';
import type { Resolver } from './intrinsics.js';
import { PropertyReader, describe, type ReaderContext } from './properties.js';
import { apiGatewayId, type ResourceEntry } from './refs.js';
import type { ApiKind, ApiSpec, FunctionSpec, PayloadFormatVersion, RouteSpec } from './types.js';
import { Unresolved, isPlainMap, isRecord, type Value } from './values.js';

export const IMPLICIT_REST_API = 'ServerlessRestApi';
export const IMPLICIT_HTTP_API = 'ServerlessHttpApi';
export const API_TYPES: Readonly<Record<string, ApiKind>> = { 'AWS::Serverless::Api': 'rest', 'AWS::Serverless::HttpApi': 'http' };

const ROUTE_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY']);
const ANY_METHOD_EXTENSION = 'x-amazon-apigateway-any-method';

export interface RouteContext extends ReaderContext {
  resolver: Resolver;
  /** Functions read from the template, by logical id. */
  functions: ReadonlyMap<string, FunctionSpec>;
  /** Global properties for the implicit APIs (`Globals.Api`, `Globals.HttpApi`). */
  implicitProperties: { rest: Record<string, unknown>; http: Record<string, unknown> };
}

interface ApiState {
  spec: ApiSpec;
  /** Where each route key was first defined, to report duplicates. */
  defined: Map<string, string>;
  /** The API's Auth: authorizers, default, key requirement. */
  auth: ApiAuth;
}

/** Where an event sends its routes: the id of an API, or nothing (already reported, or left out). */
type ApiTarget = { id: string } | undefined;

/**
 * Reads the APIs and their routes. Implicit APIs exist when some event names no API. Each route
 * names its API, which keeps its own stage, CORS, stage variables and binary types, so that two
 * APIs in one template keep their own settings (SAM shares one set among all).
 */
export function readApisAndRoutes(
  apiEntries: readonly ResourceEntry[],
  inactiveApis: ReadonlySet<string>,
  functionEntries: readonly ResourceEntry[],
  ctx: RouteContext,
): { apis: ApiSpec[]; routes: RouteSpec[] } {
  const explicit = new Map<string, ApiState>();
  const implicit = new Map<string, ApiState>();
  const routes: RouteSpec[] = [];
  for (const entry of apiEntries) {
    const kind = API_TYPES[entry.type]!;
    const reader = new PropertyReader(ctx, entry.properties, `Resources.${entry.logicalId}.Properties`, entry);
    explicit.set(entry.logicalId, { spec: readApi(entry.logicalId, kind, false, reader), defined: new Map(), auth: readApiAuth(reader, kind, ctx.functions) });
  }

  const implicitApi = (kind: ApiKind): ApiState => {
    const id = kind === 'rest' ? IMPLICIT_REST_API : IMPLICIT_HTTP_API;
    let state = implicit.get(id);
    if (!state) {
      const raw = kind === 'rest' ? ctx.implicitProperties.rest : ctx.implicitProperties.http;
      const reader = new PropertyReader(ctx, raw, kind === 'rest' ? 'Globals.Api' : 'Globals.HttpApi');
      state = { spec: readApi(id, kind, true, reader), defined: new Map(), auth: readApiAuth(reader, kind, ctx.functions) };
      implicit.set(id, state);
    }
    return state;
  };

  const addRoute = (state: ApiState, route: EventRoute, definedAt: string, at: string) => {
    const key = state.spec.kind === 'http' && route.path === '$default' ? '$default' : `${route.method} ${route.path}`;
    const earlier = state.defined.get(key);
    if (earlier) {
      ctx.diag.error('EMU_TEMPLATE_DUPLICATE_ROUTE', at, `"${key}" of ${state.spec.logicalId}`, earlier);
      return;
    }
    state.defined.set(key, definedAt);
    routes.push({ apiLogicalId: state.spec.logicalId, ...route });
  };

  for (const entry of functionEntries) {
    const fn = ctx.functions.get(entry.logicalId);
    const events = entry.properties.Events;
    if (!fn || !isRecord(events)) continue;
    for (const [eventName, event] of Object.entries(events)) {
      if (!isRecord(event) || (event.Type !== 'Api' && event.Type !== 'HttpApi')) continue;
      const kind: ApiKind = event.Type === 'Api' ? 'rest' : 'http';
      const base = `Resources.${entry.logicalId}.Properties.Events.${eventName}.Properties`;
      const anchor = ctx.positions.entry(isRecord(event.Properties) ? event : events, isRecord(event.Properties) ? 'Properties' : eventName);
      const reader = new PropertyReader(ctx, isRecord(event.Properties) ? event.Properties : {}, base, undefined, anchor);
      const route = readEventRoute(kind, reader, fn, eventName);
      if (!route) continue;
      const target = eventApi(kind, reader, explicit, inactiveApis, ctx);
      if (!target) continue;
      const state = target.id === IMPLICIT_REST_API || target.id === IMPLICIT_HTTP_API ? implicitApi(kind) : explicit.get(target.id)!;
      const at = ctx.diag.at(ctx.positions.entry(events, eventName), `Resources.${entry.logicalId}.Properties.Events.${eventName}`);
      const auth = readEventAuth(reader, kind, route.payloadFormatVersion, state.auth);
      if (auth) route.auth = auth;
      addRoute(state, route, `${entry.logicalId}.Events.${eventName}`, at);
    }
  }

  // Inline OpenAPI routes come after the events': SAM adds event routes into the definition, and a
  // path + method defined both ways is the same route once.
  for (const entry of apiEntries) {
    const state = explicit.get(entry.logicalId)!;
    const reader = new PropertyReader(ctx, entry.properties, `Resources.${entry.logicalId}.Properties`, entry);
    for (const route of openApiRoutes(state.spec, reader, ctx)) {
      const key = state.spec.kind === 'http' && route.path === '$default' ? '$default' : `${route.method} ${route.path}`;
      if (state.defined.has(key)) continue;
      state.defined.set(key, `${entry.logicalId}.DefinitionBody`);
      // SAM adds DefaultAuthorizer to the definition's operations too; an operation's own `security` is not read.
      const auth = readEventAuth(new PropertyReader(ctx, {}, `Resources.${entry.logicalId}.Properties.DefinitionBody`), state.spec.kind, route.payloadFormatVersion, state.auth);
      if (auth) route.auth = auth;
      routes.push({ apiLogicalId: state.spec.logicalId, ...route });
    }
  }

  const apis = [...implicit.values(), ...explicit.values()].map((s) => s.spec);
  return { apis, routes };
}

function readApi(logicalId: string, kind: ApiKind, implicit: boolean, reader: PropertyReader): ApiSpec {
  let stageName: string;
  if (implicit) stageName = kind === 'rest' ? 'Prod' : '$default';
  else if (kind === 'rest') stageName = reader.string('StageName', 'an AWS::Serverless::Api needs a StageName') ?? 'Prod';
  else stageName = reader.string('StageName') ?? '$default';
  const spec: ApiSpec = {
    logicalId,
    kind,
    implicit,
    apiGatewayId: apiGatewayId(logicalId),
    stageName,
    stageVariables: stringMap(reader, kind === 'rest' ? 'Variables' : 'StageVariables'),
    binaryMediaTypes: kind === 'rest' ? (reader.stringList('BinaryMediaTypes') ?? []).map(decodeMediaType) : [],
  };
  const cors = kind === 'rest' ? readRestCors(reader, 'Cors', reader.value('Cors')) : readHttpCors(reader, 'CorsConfiguration', reader.value('CorsConfiguration'));
  if (cors) spec.cors = cors;
  return spec;
}

/** `~1` stands for `/` in BinaryMediaTypes (JSON-pointer escaping that API Gateway uses in patch paths). */
export function decodeMediaType(type: string): string {
  return type.replace(/~1/g, '/').replace(/~0/g, '~');
}

function stringMap(reader: PropertyReader, key: string): Record<string, string> {
  const map = reader.map(key);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(map ?? {})) {
    if (value instanceof Unresolved) reader.unresolved(value, [key, name]);
    else if (value !== null && typeof value === 'object') reader.bad([key, name], `must be a string, not ${describe(value)}`);
    else out[name] = value === null ? '' : String(value);
  }
  return out;
}

type EventRoute = Omit<RouteSpec, 'apiLogicalId'>;

function readEventRoute(kind: ApiKind, reader: PropertyReader, fn: FunctionSpec, eventName: string): EventRoute | undefined {
  const hasPath = reader.has('Path');
  const hasMethod = reader.has('Method');
  let path: string | undefined;
  let method: string | undefined;
  if (kind === 'http' && !hasPath && !hasMethod) {
    // An HttpApi event without Path and Method is the catch-all `$default` route.
    path = '$default';
    method = 'ANY';
  } else if (kind === 'http' && hasPath !== hasMethod) {
    reader.missing(hasPath ? 'Method' : 'Path', 'an HttpApi event needs both Path and Method, or neither (for the $default route)');
    return undefined;
  } else {
    path = reader.string('Path', `an ${kind === 'rest' ? 'Api' : 'HttpApi'} event needs a Path`);
    method = reader.string('Method', `an ${kind === 'rest' ? 'Api' : 'HttpApi'} event needs a Method`);
    if (path === undefined || method === undefined) return undefined;
    if (!path.startsWith('/') && !(kind === 'http' && path === '$default')) {
      reader.bad(['Path'], `"${path}" must start with /`);
      return undefined;
    }
    if (path !== '/' && (path.endsWith('/') || path.includes('//'))) {
      reader.bad(['Path'], `"${path}" has an empty segment; API Gateway accepts neither "//" nor a trailing "/"`);
      return undefined;
    }
    method = method === ANY_METHOD_EXTENSION ? 'ANY' : method.toUpperCase();
    if (!ROUTE_METHODS.has(method)) {
      reader.bad(['Method'], `"${method}" is not an HTTP method (or ANY)`);
      return undefined;
    }
  }
  let payloadFormatVersion: PayloadFormatVersion = kind === 'rest' ? '1.0' : '2.0';
  if (kind === 'http' && reader.has('PayloadFormatVersion')) {
    const version = normalizeVersion(reader.string('PayloadFormatVersion'));
    if (version === undefined) reader.bad(['PayloadFormatVersion'], 'must be "1.0" or "2.0"');
    else payloadFormatVersion = version;
  }
  const routeKey = kind === 'http' && path === '$default' ? '$default' : `${method} ${path}`;
  const stream = kind === 'rest' && readTransferMode(reader, 'ResponseTransferMode');
  return { payloadFormatVersion, method, path, routeKey, functionLogicalId: fn.logicalId, functionName: fn.functionName, eventName, ...(stream ? { responseTransferMode: 'STREAM' as const } : {}) };
}

/**
 * REST's response transfer mode: `STREAM` or `BUFFERED` (the default). SAM's `Api` event has
 * `ResponseTransferMode` (SAM Developer Guide, sam-property-function-api); CloudFormation's
 * AWS::ApiGateway::Method has `Integration.ResponseTransferMode` (API Gateway Developer Guide, response-transfer-mode.html).
 */
export function readTransferMode(reader: PropertyReader, key: string): boolean {
  if (!reader.has(key)) return false;
  const mode = (reader.string(key) ?? '').toUpperCase();
  if (mode === 'STREAM') return true;
  if (mode !== 'BUFFERED') reader.bad([key], `"${mode}" must be STREAM or BUFFERED; the route is buffered`);
  return false;
}

/** YAML reads `2.0` as the number 2; both spellings mean the same version. */
function normalizeVersion(value: string | undefined): PayloadFormatVersion | undefined {
  if (value === '1.0' || value === '1') return '1.0';
  if (value === '2.0' || value === '2') return '2.0';
  return undefined;
}

/** The API an event belongs to: its RestApiId / ApiId (a logical id or `!Ref`), else the implicit API. */
function eventApi(
  kind: ApiKind,
  reader: PropertyReader,
  explicit: ReadonlyMap<string, ApiState>,
  inactive: ReadonlySet<string>,
  ctx: RouteContext,
): ApiTarget {
  const key = kind === 'rest' ? 'RestApiId' : 'ApiId';
  const raw = reader.raw[key];
  if (raw === undefined) return { id: kind === 'rest' ? IMPLICIT_REST_API : IMPLICIT_HTTP_API };
  let id: string | undefined;
  if (typeof raw === 'string') id = raw;
  else if (isRecord(raw) && typeof raw.Ref === 'string' && Object.keys(raw).length === 1) id = raw.Ref;
  else {
    const value = reader.value(key);
    if (value instanceof Unresolved) {
      reader.unresolved(value, [key], undefined, 'the route is not served');
      return undefined;
    }
    id = [...explicit.values()].find((s) => typeof value === 'string' && s.spec.apiGatewayId === value)?.spec.logicalId;
  }
  const wanted = kind === 'rest' ? 'AWS::Serverless::Api' : 'AWS::Serverless::HttpApi';
  if (id !== undefined && inactive.has(id)) {
    ctx.diag.warn(`${reader.at(key)}: API "${id}" is left out by its condition; the route is not served`);
    return undefined;
  }
  const state = id !== undefined ? explicit.get(id) : undefined;
  if (!state || state.spec.kind !== kind) {
    reader.bad([key], `must name an ${wanted} of this template${id !== undefined ? `, and "${id}" is not one` : ''}`);
    return undefined;
  }
  return { id: state.spec.logicalId };
}

/** Routes of an inline OpenAPI `DefinitionBody` whose integrations are Lambda proxies to functions of this template. */
function openApiRoutes(api: ApiSpec, reader: PropertyReader, ctx: RouteContext): EventRoute[] {
  if (reader.has('DefinitionUri')) {
    ctx.diag.warn(`${reader.at('DefinitionUri')}: an OpenAPI file is not read; only the routes of function events are served`);
  }
  if (!reader.has('DefinitionBody')) return [];
  const body = reader.value('DefinitionBody');
  if (!isPlainMap(body)) return [];
  const binary = body['x-amazon-apigateway-binary-media-types'];
  if (api.kind === 'rest' && Array.isArray(binary)) {
    for (const type of binary) if (typeof type === 'string' && !api.binaryMediaTypes.includes(type)) api.binaryMediaTypes.push(decodeMediaType(type));
  }
  const paths = body.paths;
  if (!isPlainMap(paths)) return [];
  const out: EventRoute[] = [];
  const byName = new Map<string, FunctionSpec>();
  for (const fn of ctx.functions.values()) {
    byName.set(fn.functionName, fn);
    byName.set(fn.logicalId, fn);
  }
  for (const [path, operations] of Object.entries(paths)) {
    if (!isPlainMap(operations)) continue;
    for (const [verb, operation] of Object.entries(operations)) {
      const method = verb === ANY_METHOD_EXTENSION ? 'ANY' : verb.toUpperCase();
      if (!ROUTE_METHODS.has(method) || !isPlainMap(operation)) continue;
      const integration = operation['x-amazon-apigateway-integration'];
      if (!isPlainMap(integration) || String(integration.type).toLowerCase() !== 'aws_proxy') continue;
      const at = reader.at('DefinitionBody', 'paths', path, verb);
      const fn = integrationFunction(integration.uri, byName);
      if (!fn) {
        const why = integration.uri instanceof Unresolved
          ? integration.uri.reason
          : integration.uri === undefined
            ? 'its integration has no uri'
            : `its integration uri ${describe(integration.uri)} names no function of this template`;
        ctx.diag.warn(`${at}: ${why}; the route is not served`);
        continue;
      }
      const version = api.kind === 'rest' ? '1.0' : normalizeVersion(integration.payloadFormatVersion === undefined ? '2.0' : String(integration.payloadFormatVersion));
      if (!version) {
        ctx.diag.warn(`${at}: payloadFormatVersion must be "1.0" or "2.0"; the route is not served`);
        continue;
      }
      const routeKey = api.kind === 'http' && path === '$default' ? '$default' : `${method} ${path}`;
      // `responseTransferMode` of x-amazon-apigateway-integration (API Gateway Developer Guide, response-streaming-lambda-configure.html).
      const stream = api.kind === 'rest' && String(integration.responseTransferMode ?? '').toUpperCase() === 'STREAM';
      out.push({ payloadFormatVersion: version, method, path, routeKey, functionLogicalId: fn.logicalId, functionName: fn.functionName, ...(stream ? { responseTransferMode: 'STREAM' as const } : {}) });
    }
  }
  return out;
}

/** `arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<function ARN>/invocations` → the function. */
export function integrationFunction(uri: Value | undefined, byName: ReadonlyMap<string, FunctionSpec>): FunctionSpec | undefined {
  if (typeof uri !== 'string') return undefined;
  const match = /functions\/arn:[^/]*:lambda:[^/]*:[^/]*:function:([^/:]+)/.exec(uri);
  return match ? byName.get(match[1]!) : undefined;
}

