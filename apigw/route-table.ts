// The table of mounted routes printed at start: method, URL with the stage prefix, function, API and payload format.
import type { ApiSpec, RouteSpec } from '../src/core/model.js';
import { profileOf } from './kinds/index.js';
import { apisById } from './router.js';

/** What the table is made from: the routes, and the APIs they name (a `TemplateModel` or an `Emulator`). */
export interface MountedRoutes {
  apis: readonly ApiSpec[];
  routes: readonly RouteSpec[];
}

/** The URL a route of an API answers on: the server's base URL, the API's stage prefix, the route path (`/*` for a catch-all). */
export function routeUrl(route: RouteSpec, api: ApiSpec, baseUrl: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  const profile = profileOf(api.kind);
  const prefix = profile.stagePrefix(api.stageName);
  if (route.path === profile.catchAllPath) return `${base}${prefix}/*`;
  return `${base}${prefix}${route.path}`;
}

/** Formats the mounted routes as an aligned text table, one route per line, in template order; a REST route served at the root too shows both URLs. */
export function formatRouteTable({ apis, routes }: MountedRoutes, url: string): string {
  if (routes.length === 0) return 'No API routes in the template.';
  const byId = apisById(apis, routes);
  // As the router decides: REST routes answer at the root too unless an HTTP API's root stage owns it.
  const rootOwned = apis.some((a) => profileOf(a.kind).stagePrefix(a.stageName) === '');
  const rows = routes.map((r) => {
    const api = byId.get(r.apiLogicalId)!;
    const profile = profileOf(api.kind);
    const staged = routeUrl(r, api, url);
    const atRoot = profile.servedAtRoot && !rootOwned ? `${url.replace(/\/+$/, '')}${r.path} , ` : '';
    return [
      r.path === profile.catchAllPath ? r.path : r.method,
      `${atRoot}${staged}`,
      r.functionName,
      `${r.apiLogicalId} (${profile.label})`,
      `payload ${r.payloadFormatVersion}${profile.delivery(r) === 'streamed' ? ', streamed' : ''}`,
    ];
  });
  const header = ['METHOD', 'URL', 'FUNCTION', 'API', 'FORMAT'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [`Mounted ${routes.length} route${routes.length === 1 ? '' : 's'}:`, line(header), ...rows.map(line)].join('\n');
}
