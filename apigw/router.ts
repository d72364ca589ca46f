// Route matching as API Gateway does it: stage prefixes per API, static > {param} > {proxy+}, exact method > ANY, $default last; each route's kind profile chosen here, once.
import type { ApiSpec, RouteSpec } from '../src/core/model.js';
import { emuError } from '../src/core/errors.js';
import { profileOf, unownedProfile, type KindProfile } from './kinds/index.js';
import { ALL_CORS_METHODS, ANY_METHOD, ROUTABLE_METHODS } from './wire.js';
import { requestMap, safeDecode } from './request.js';

/** One segment of a route path. */
export type Segment = { kind: 'static'; value: string } | { kind: 'param'; name: string } | { kind: 'greedy'; name: string };

/** What answers one method of one resource. */
type Target = { kind: 'integration'; route: RouteSpec } | { kind: 'cors-mock'; allowMethods: string[] };

interface Endpoint {
  method: string;
  target: Target;
}

interface Resource {
  api: ApiSpec;
  profile: KindProfile;
  path: string;
  segments: Segment[];
  endpoints: Endpoint[];
}

/** APIs served under one URL prefix (`/Prod`, `/dev`, or the root for HTTP API `$default` stages). */
interface StageGroup {
  prefix: string;
  apis: ApiSpec[];
  /** The profile of the group's first API: it decides how the group routes and what a miss answers. */
  profile: KindProfile;
  resources: Resource[];
  /** Catch-all (`$default`) routes, first API first. */
  defaults: Array<{ api: ApiSpec; profile: KindProfile; route: RouteSpec }>;
  /** The root alias of stages whose kind is also served at the root (REST); paths carry no stage. */
  atRoot?: true;
}

/** The compiled routes of every API, ready for matching. */
export interface RouteTable {
  /** Longest prefix first, so that a named stage owns its subtree. */
  groups: StageGroup[];
  /** What answers a path no stage owns: REST's 403 when the template has only REST APIs, else HTTP API's 404. */
  unowned: KindProfile;
  /** What the start-up log should say about the root (an HTTP API keeping REST routes off it). */
  notes: string[];
}

export type RouteMatch =
  /** A route with a Lambda proxy integration. `stagePath` is the raw path below the stage prefix. */
  | { kind: 'integration'; profile: KindProfile; api: ApiSpec; route: RouteSpec; stagePath: string; pathParameters: Record<string, string>; atRoot?: boolean }
  /** REST's generated OPTIONS method of a CORS-enabled API (a mock integration). */
  | { kind: 'cors-mock'; profile: KindProfile; api: ApiSpec; stagePath: string; allowMethods: string[] }
  /** A stage owns the path but no route matches the path and method. */
  | { kind: 'no-route'; profile: KindProfile; api: ApiSpec; stagePath: string }
  /** No stage owns the path. */
  | { kind: 'no-stage'; profile: KindProfile };

/** The URL prefix of an API's stage, as its kind has it: REST `/{stage}`; HTTP API `$default` at the root, named stages under `/{stage}`. */
export function stagePrefix(api: Pick<ApiSpec, 'kind' | 'stageName'>): string {
  return profileOf(api.kind).stagePrefix(api.stageName);
}

/** Parses `/pets/{id}/{proxy+}` into segments (`/` has none). */
export function parseRoutePath(path: string): Segment[] {
  return path
    .split('/')
    .filter((s) => s !== '')
    .map((s): Segment => {
      const param = /^\{(.+?)(\+)?\}$/.exec(s);
      if (!param) return { kind: 'static', value: s };
      return param[2] ? { kind: 'greedy', name: param[1]! } : { kind: 'param', name: param[1]! };
    });
}

/** The APIs by logical id; throws EMU_APIGW_UNKNOWN_API when a route names an API that is not among them. */
export function apisById(apis: readonly ApiSpec[], routes: readonly RouteSpec[]): ReadonlyMap<string, ApiSpec> {
  const byId = new Map<string, ApiSpec>(apis.map((a) => [a.logicalId, a]));
  const missing = routes.find((r) => !byId.has(r.apiLogicalId));
  if (missing) throw emuError('EMU_APIGW_UNKNOWN_API', missing.routeKey, missing.apiLogicalId, [...byId.keys()].join(', ') || 'none');
  return byId;
}

/** Builds the table: each API in its stage group, each route under its resource, REST CORS mocks added. */
export function compileRoutes(apis: readonly ApiSpec[], routes: readonly RouteSpec[]): RouteTable {
  // A route names its API; one that names none given is refused before anything listens.
  const byId = apisById(apis, routes);

  const groups = new Map<string, StageGroup>();
  const groupOf = (api: ApiSpec): StageGroup => {
    const prefix = stagePrefix(api);
    let group = groups.get(prefix);
    if (!group) groups.set(prefix, (group = { prefix, apis: [], profile: profileOf(api.kind), resources: [], defaults: [] }));
    if (!group.apis.includes(api)) group.apis.push(api);
    return group;
  };
  for (const api of byId.values()) groupOf(api);

  const resources = new Map<string, Resource>();
  for (const route of routes) {
    const api = byId.get(route.apiLogicalId)!;
    const profile = profileOf(api.kind);
    const group = groupOf(api);
    if (route.path === profile.catchAllPath) {
      group.defaults.push({ api, profile, route });
      continue;
    }
    const key = `${api.logicalId} ${route.path}`;
    let resource = resources.get(key);
    if (!resource) {
      resource = { api, profile, path: route.path, segments: parseRoutePath(route.path), endpoints: [] };
      resources.set(key, resource);
      group.resources.push(resource);
    }
    resource.endpoints.push({ method: route.method, target: { kind: 'integration', route } });
  }

  // SAM gives every resource of a REST API with Cors an OPTIONS method with a mock integration,
  // unless the resource already has one (samtranslator swagger.py add_cors).
  for (const resource of resources.values()) {
    const { api } = resource;
    if (!resource.profile.corsMock || !api.cors || resource.endpoints.some((e) => e.method === 'OPTIONS')) continue;
    const allowMethods = api.cors.allowMethods.length > 0 ? api.cors.allowMethods : corsMethodsOf(resource);
    resource.endpoints.push({ method: 'OPTIONS', target: { kind: 'cors-mock', allowMethods } });
  }

  const notes = mountAtRoot(groups);
  const sorted = [...groups.values()].sort((a, b) => b.prefix.length - a.prefix.length);
  return { groups: sorted, unowned: unownedProfile(new Set([...byId.values()].map((a) => a.kind))), notes };
}

/**
 * Serves the routes of kinds that are also served at the root (REST) there as well, in one root
 * group, unless an HTTP API's `$default` stage owns the root: then it keeps it, as it does in AWS.
 */
function mountAtRoot(groups: Map<string, StageGroup>): string[] {
  const staged = [...groups.values()].filter((g) => g.prefix !== '' && g.profile.servedAtRoot && g.resources.length > 0);
  if (staged.length === 0) return [];
  const owner = groups.get('');
  if (owner) {
    const stages = staged.map((g) => g.prefix).join(', ');
    return [`REST API routes are served under ${stages} only: ${owner.apis.map((a) => a.logicalId).join(', ')} (HTTP API, $default stage) owns the root`];
  }
  const root: StageGroup = { prefix: '', apis: [], profile: staged[0]!.profile, resources: [], defaults: [], atRoot: true };
  for (const group of staged) {
    root.apis.push(...group.apis);
    root.resources.push(...group.resources);
  }
  groups.set('', root);
  return [];
}

/** SAM's default `Access-Control-Allow-Methods`: the resource's methods plus OPTIONS, sorted; all of them with ANY. */
function corsMethodsOf(resource: Resource): string[] {
  if (resource.endpoints.some((e) => e.method === ANY_METHOD)) return [...ALL_CORS_METHODS];
  return [...new Set([...resource.endpoints.map((e) => e.method), 'OPTIONS'])].sort();
}

const WEIGHT = { static: 3, param: 2, greedy: 1 } as const;

/** Orders two matching resources: the one more specific at the first differing segment wins (negative = a first). */
export function compareSpecificity(a: readonly Segment[], b: readonly Segment[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const wa = a[i] ? WEIGHT[a[i]!.kind] : 0;
    const wb = b[i] ? WEIGHT[b[i]!.kind] : 0;
    if (wa !== wb) return wb - wa;
  }
  return 0;
}

/**
 * Matches raw (percent-encoded) path segments against a route's segments; parameters come back
 * decoded (API Gateway decodes request parameters before the integration sees them).
 */
export function matchSegments(segments: readonly Segment[], parts: readonly string[]): Record<string, string> | undefined {
  const params = requestMap<string>();
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    if (seg.kind === 'greedy') {
      // A greedy variable takes one or more segments: `/{proxy+}` does not match `/`.
      const rest = parts.slice(i);
      if (rest.length === 0 || (rest.length === 1 && rest[0] === '')) return undefined;
      params[seg.name] = safeDecode(rest.join('/'));
      return params;
    }
    const part = parts[i];
    if (part === undefined || part === '') return undefined;
    if (seg.kind === 'static') {
      if (safeDecode(part) !== seg.value) return undefined;
    } else {
      params[seg.name] = safeDecode(part);
    }
  }
  return parts.length === segments.length ? params : undefined;
}

/** The segments of a stage-relative path; `/` has none. */
function pathParts(stagePath: string, profile: KindProfile): string[] {
  let path = stagePath;
  if (profile.trimsTrailingSlash && path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  return path === '/' ? [] : path.slice(1).split('/');
}

/** Which stage group owns a raw path, and the path below its prefix. */
export function ownerOf(table: RouteTable, rawPath: string): { group: StageGroup; stagePath: string } | undefined {
  for (const group of table.groups) {
    if (group.prefix === '') return { group, stagePath: rawPath };
    if (rawPath === group.prefix || rawPath.startsWith(`${group.prefix}/`)) {
      return { group, stagePath: rawPath.slice(group.prefix.length) || '/' };
    }
  }
  return undefined;
}

function methodMatches(endpoint: Endpoint, method: string): boolean {
  return endpoint.method === method || (endpoint.method === ANY_METHOD && ROUTABLE_METHODS.has(method));
}

/** The best endpoint of one resource for a method: the exact method beats ANY. */
function endpointFor(resource: Resource, method: string): Endpoint | undefined {
  return resource.endpoints.find((e) => e.method === method) ?? resource.endpoints.find((e) => methodMatches(e, method));
}

function toMatch(resource: Resource, endpoint: Endpoint, stagePath: string, params: Record<string, string>, atRoot: boolean): RouteMatch {
  const { target } = endpoint;
  const { api, profile } = resource;
  if (target.kind === 'cors-mock') return { kind: 'cors-mock', profile, api, stagePath, allowMethods: target.allowMethods };
  return { kind: 'integration', profile, api, route: target.route, stagePath, pathParameters: params, ...(atRoot ? { atRoot } : {}) };
}

/** Finds what answers `method rawPath`. */
export function matchRequest(table: RouteTable, method: string, rawPath: string): RouteMatch {
  const owner = ownerOf(table, rawPath);
  if (!owner) return { kind: 'no-stage', profile: table.unowned };
  const { group, stagePath } = owner;
  const firstApi = group.apis[0]!;
  const miss: RouteMatch = { kind: 'no-route', profile: group.profile, api: firstApi, stagePath };

  const candidates: Array<{ resource: Resource; params: Record<string, string> }> = [];
  for (const resource of group.resources) {
    const params = matchSegments(resource.segments, pathParts(stagePath, resource.profile));
    if (params) candidates.push({ resource, params });
  }
  // Stable sort: equally specific resources keep template order.
  candidates.sort((a, b) => compareSpecificity(a.resource.segments, b.resource.segments));

  if (group.profile.routing === 'resource-first') {
    // The most specific resource, then its method: no fall-through to a less specific resource.
    const best = candidates[0];
    const endpoint = best && endpointFor(best.resource, method);
    if (best && endpoint) return toMatch(best.resource, endpoint, stagePath, best.params, group.atRoot === true);
    return best ? { ...miss, profile: best.resource.profile, api: best.resource.api } : miss;
  }

  // Route-first: the most specific route whose method matches (exact before ANY at equal
  // specificity), then the catch-all — so a path whose method has no route falls through.
  let chosen: { resource: Resource; endpoint: Endpoint; params: Record<string, string> } | undefined;
  for (const c of candidates) {
    if (chosen && compareSpecificity(chosen.resource.segments, c.resource.segments) < 0) break;
    const endpoint = endpointFor(c.resource, method);
    if (!endpoint) continue;
    if (!chosen || (chosen.endpoint.method === ANY_METHOD && endpoint.method !== ANY_METHOD)) chosen = { resource: c.resource, endpoint, params: c.params };
  }
  if (chosen) return toMatch(chosen.resource, chosen.endpoint, stagePath, chosen.params, group.atRoot === true);
  const fallback = ROUTABLE_METHODS.has(method) ? group.defaults[0] : undefined;
  if (fallback) return { kind: 'integration', profile: fallback.profile, api: fallback.api, route: fallback.route, stagePath, pathParameters: {} };
  return miss;
}
