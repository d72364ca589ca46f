// APIs declared as plain CloudFormation resources → ApiSpec[] and RouteSpec[]: quick-create and explicit HTTP APIs (AWS::ApiGatewayV2::*), REST APIs (AWS::ApiGateway::RestApi / Resource / Method).
import { CFN_AUTHORIZER_TYPES, readCfnAuthorizers, readCfnRouteAuth } from './cfn-auth.js';
import { readHttpCors } from './cors.js';
import { PropertyReader, describe } from './properties.js';
import { apiGatewayId, namedIds, refTarget, type ResourceEntry } from './refs.js';
import { integrationFunction, readTransferMode, type RouteContext } from './routes.js';
import type { ApiSpec, FunctionSpec, PayloadFormatVersion, RouteSpec } from './types.js';
import { Unresolved, isRecord } from './values.js';

/** The CloudFormation resource types this module reads. */
export const CFN_API_TYPES = [
  'AWS::ApiGatewayV2::Api', 'AWS::ApiGatewayV2::Route', 'AWS::ApiGatewayV2::Integration', 'AWS::ApiGatewayV2::Stage',
  'AWS::ApiGateway::RestApi', 'AWS::ApiGateway::Resource', 'AWS::ApiGateway::Method', 'AWS::ApiGateway::Stage', 'AWS::ApiGateway::Deployment',
  ...CFN_AUTHORIZER_TYPES,
] as const;

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY']);

/**
 * Reads the CloudFormation API resources. Lambda proxy integrations (`AWS_PROXY`) become routes served as their
 * SAM equivalents; every other integration is listed as a warning (not served), never dropped silently.
 */
export function readCfnApis(entries: readonly ResourceEntry[], ctx: RouteContext): { apis: ApiSpec[]; routes: RouteSpec[] } {
  const apis: ApiSpec[] = [];
  const routes: RouteSpec[] = [];
  const byType = (type: string) => entries.filter((e) => e.type === type);
  const reader = (e: ResourceEntry) => new PropertyReader(ctx, e.properties, `Resources.${e.logicalId}.Properties`, e);
  const byName = new Map<string, FunctionSpec>();
  for (const fn of ctx.functions.values()) {
    byName.set(fn.functionName, fn);
    byName.set(fn.logicalId, fn);
  }
  const fnOf = (r: PropertyReader, keys: string[], uri: unknown): FunctionSpec | undefined => {
    const fn = integrationFunction(uri as never, byName) ?? (typeof uri === 'string' ? byName.get(/:function:([^/:]+)/.exec(uri)?.[1] ?? '') : undefined);
    if (!fn) {
      const why = uri instanceof Unresolved ? uri.reason : uri === undefined ? 'no integration URI' : `the integration URI ${describe(uri as never)} names no function of this template`;
      ctx.diag.warn(`${r.at(...keys)}: ${why}; the route is not served`);
    }
    return fn;
  };
  const authorizers = readCfnAuthorizers(entries.filter((e) => (CFN_AUTHORIZER_TYPES as readonly string[]).includes(e.type)), reader, { functions: ctx.functions, byName });
  const usedAuthorizers = new Set<string>();
  const routeAuth = (r: PropertyReader, api: ApiSpec, payload: PayloadFormatVersion) => {
    const id = refTarget(r.raw.AuthorizerId);
    if (id !== undefined) usedAuthorizers.add(id);
    return readCfnRouteAuth(r, api, payload, authorizers);
  };
  const seen = new Map<string, Set<string>>();
  const push = (api: ApiSpec, route: Omit<RouteSpec, 'apiLogicalId'>, at: string) => {
    const keys = seen.get(api.logicalId) ?? new Set<string>();
    seen.set(api.logicalId, keys);
    if (keys.has(route.routeKey)) {
      ctx.diag.warn(`${at}: route "${route.routeKey}" of ${api.logicalId} is defined twice; the first one is served`);
      return;
    }
    keys.add(route.routeKey);
    routes.push({ apiLogicalId: api.logicalId, ...route });
  };

  // HTTP APIs (AWS::ApiGatewayV2::Api).
  const httpApis = new Map<string, ApiSpec>();
  const stages = byType('AWS::ApiGatewayV2::Stage');
  for (const entry of byType('AWS::ApiGatewayV2::Api')) {
    const r = reader(entry);
    const protocol = r.string('ProtocolType') ?? 'HTTP';
    if (protocol !== 'HTTP') {
      ctx.diag.warn(`${r.at('ProtocolType')}: ${protocol} APIs are not emulated; the API is not served`);
      continue;
    }
    if (r.has('Body') || r.has('BodyS3Location')) {
      ctx.diag.warn(`${r.at(r.has('Body') ? 'Body' : 'BodyS3Location')}: an OpenAPI definition of an AWS::ApiGatewayV2::Api is not read; its routes are not served`);
    }
    // Quick create makes the `$default` stage (AWS: "Quick create … creates a $default stage"); else the first Stage resource names it.
    const stage = stages.find((s) => refTarget(s.properties.ApiId) === entry.logicalId);
    const stageName = r.has('Target') ? '$default' : stage ? reader(stage).string('StageName') ?? '$default' : '$default';
    const spec: ApiSpec = { logicalId: entry.logicalId, kind: 'http', implicit: false, apiGatewayId: apiGatewayId(entry.logicalId), stageName, stageVariables: {}, binaryMediaTypes: [] };
    const cors = readHttpCors(r, 'CorsConfiguration', r.value('CorsConfiguration'));
    if (cors) spec.cors = cors;
    httpApis.set(entry.logicalId, spec);
    apis.push(spec);
    if (r.has('Target')) {
      // Quick create: `Target` is the Lambda integration, `RouteKey` defaults to `$default`.
      const fn = fnOf(r, ['Target'], r.value('Target'));
      const routeKey = r.string('RouteKey') ?? '$default';
      const route = fn && routeFromKey(routeKey, r, 'RouteKey');
      if (fn && route) push(spec, { ...route, payloadFormatVersion: '2.0', functionLogicalId: fn.logicalId, functionName: fn.functionName }, r.at('Target'));
    }
  }
  const integrations = new Map<string, { fn: FunctionSpec; version: PayloadFormatVersion } | undefined>();
  for (const entry of byType('AWS::ApiGatewayV2::Integration')) {
    const r = reader(entry);
    const type = (r.string('IntegrationType') ?? '').toUpperCase();
    if (type !== 'AWS_PROXY') {
      ctx.diag.warn(`${r.at('IntegrationType')}: ${type || 'an integration without IntegrationType'} is not a Lambda proxy integration and is not emulated; routes using it are not served`);
      integrations.set(entry.logicalId, undefined);
      continue;
    }
    const fn = fnOf(r, ['IntegrationUri'], r.value('IntegrationUri'));
    const raw = r.has('PayloadFormatVersion') ? String(r.value('PayloadFormatVersion')) : '2.0';
    const version: PayloadFormatVersion | undefined = raw === '1.0' || raw === '1' ? '1.0' : raw === '2.0' || raw === '2' ? '2.0' : undefined;
    if (!version) r.bad(['PayloadFormatVersion'], 'must be "1.0" or "2.0"');
    integrations.set(entry.logicalId, fn && version ? { fn, version } : undefined);
  }
  for (const entry of byType('AWS::ApiGatewayV2::Route')) {
    const r = reader(entry);
    const api = httpApis.get(refTarget(entry.properties.ApiId) ?? '');
    if (!api) {
      ctx.diag.warn(`${r.at('ApiId')}: names no HTTP API of this template; the route is not served`);
      continue;
    }
    const integrationId = [...namedIds(entry.properties.Target)].find((id) => integrations.has(id));
    if (integrationId === undefined) {
      ctx.diag.warn(`${r.at('Target')}: ${r.has('Target') ? 'names no AWS::ApiGatewayV2::Integration of this template' : 'a route without Target has no integration'}; the route is not served`);
      continue;
    }
    const integration = integrations.get(integrationId);
    if (!integration) continue; // reported at the integration
    const routeKey = r.string('RouteKey', 'an AWS::ApiGatewayV2::Route needs a RouteKey');
    const route = routeKey !== undefined ? routeFromKey(routeKey, r, 'RouteKey') : undefined;
    const auth = routeAuth(r, api, integration.version);
    if (route) push(api, { ...route, payloadFormatVersion: integration.version, functionLogicalId: integration.fn.logicalId, functionName: integration.fn.functionName, ...(auth ? { auth } : {}) }, r.at('RouteKey'));
  }

  // REST APIs (AWS::ApiGateway::RestApi / Resource / Method).
  const restApis = new Map<string, ApiSpec>();
  for (const entry of byType('AWS::ApiGateway::RestApi')) {
    const r = reader(entry);
    if (r.has('Body') || r.has('BodyS3Location')) {
      ctx.diag.warn(`${r.at(r.has('Body') ? 'Body' : 'BodyS3Location')}: an OpenAPI definition of an AWS::ApiGateway::RestApi is not read; only its Method resources are served`);
    }
    const named = (e: ResourceEntry) => refTarget(e.properties.RestApiId) === entry.logicalId && typeof e.properties.StageName !== 'undefined';
    const stage = byType('AWS::ApiGateway::Stage').find(named) ?? byType('AWS::ApiGateway::Deployment').find(named);
    const stageName = stage ? reader(stage).string('StageName') : undefined;
    if (stageName === undefined) ctx.diag.warn(`${r.at()}: no AWS::ApiGateway::Stage or Deployment with a StageName deploys this API; it is served under the stage "Prod"`);
    const spec: ApiSpec = {
      logicalId: entry.logicalId, kind: 'rest', implicit: false, apiGatewayId: apiGatewayId(entry.logicalId), stageName: stageName ?? 'Prod', stageVariables: {},
      binaryMediaTypes: (r.stringList('BinaryMediaTypes') ?? []).map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~')),
    };
    restApis.set(entry.logicalId, spec);
    apis.push(spec);
  }
  const resources = new Map(byType('AWS::ApiGateway::Resource').map((e) => [e.logicalId, e]));
  /** The path of a resource id: the API's root resource is `/`; a Resource adds its PathPart to its parent's path. */
  const pathOf = (raw: unknown, depth = 0): string | undefined => {
    if (isRecord(raw) && raw['Fn::GetAtt'] !== undefined) return restApis.has(refTarget(raw) ?? '') ? '/' : undefined;
    const resource = resources.get(refTarget(raw) ?? '');
    if (!resource || depth > 50) return undefined;
    const parent = pathOf(resource.properties.ParentId, depth + 1);
    const part = reader(resource).string('PathPart');
    if (parent === undefined || part === undefined) return undefined;
    return parent === '/' ? `/${part}` : `${parent}/${part}`;
  };
  for (const entry of byType('AWS::ApiGateway::Method')) {
    const r = reader(entry);
    const api = restApis.get(refTarget(entry.properties.RestApiId) ?? '');
    if (!api) {
      ctx.diag.warn(`${r.at('RestApiId')}: names no AWS::ApiGateway::RestApi of this template; the method is not served`);
      continue;
    }
    const path = pathOf(entry.properties.ResourceId);
    if (path === undefined) {
      ctx.diag.warn(`${r.at('ResourceId')}: names no AWS::ApiGateway::Resource of ${api.logicalId} (nor its RootResourceId); the method is not served`);
      continue;
    }
    const method = (r.string('HttpMethod', 'an AWS::ApiGateway::Method needs an HttpMethod') ?? '').toUpperCase();
    if (!METHODS.has(method)) {
      if (method) r.bad(['HttpMethod'], `"${method}" is not an HTTP method (or ANY)`);
      continue;
    }
    const integration = r.nested('Integration');
    const type = (integration.string('Type') ?? '').toUpperCase();
    if (type !== 'AWS_PROXY') {
      ctx.diag.warn(`${integration.at('Type')}: ${type || 'a method without an Integration'} is not a Lambda proxy integration (mapping templates and mocks are not emulated); ${method} ${path} is not served`);
      continue;
    }
    const fn = fnOf(integration, ['Uri'], integration.value('Uri'));
    const stream = readTransferMode(integration, 'ResponseTransferMode');
    const auth = routeAuth(r, api, '1.0');
    if (fn) push(api, { payloadFormatVersion: '1.0', method, path, routeKey: `${method} ${path}`, functionLogicalId: fn.logicalId, functionName: fn.functionName, ...(stream ? { responseTransferMode: 'STREAM' as const } : {}), ...(auth ? { auth } : {}) }, r.at('HttpMethod'));
  }
  for (const entry of entries) {
    if (authorizers.has(entry.logicalId) && !usedAuthorizers.has(entry.logicalId)) {
      ctx.diag.warn(`${reader(entry).at()}: no AWS::ApiGateway::Method or AWS::ApiGatewayV2::Route of this template names this authorizer in its AuthorizerId; it checks nothing`);
    }
  }
  return { apis, routes };
}

/** `GET /items/{id}`, `ANY /{proxy+}` or `$default` → method and path. */
function routeFromKey(routeKey: string, r: PropertyReader, key: string): { method: string; path: string; routeKey: string } | undefined {
  if (routeKey === '$default') return { method: 'ANY', path: '$default', routeKey };
  const m = /^(\S+) (\/\S*)$/.exec(routeKey);
  const method = m?.[1]!.toUpperCase();
  if (!m || !METHODS.has(method!)) {
    r.bad([key], `"${routeKey}" is not a route key ("METHOD /path", "ANY /path" or "$default")`);
    return undefined;
  }
  return { method: method!, path: m[2]!, routeKey: `${method} ${m[2]}` };
}
