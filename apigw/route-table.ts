// The table of mounted routes printed at start: method, URL with the stage prefix, function, API and payload format.
import type { RouteSpec } from '../src/core/model.js';
import { profileOf } from './kinds/index.js';

/** The URL a route answers on: the server's base URL, the API's stage prefix, the route path (`/*` for `$default`). */
export function routeUrl(route: RouteSpec, baseUrl: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  const profile = profileOf(route.apiKind);
  const prefix = profile.stagePrefix(route.stageName);
  if (route.path === profile.catchAllPath) return `${base}${prefix}/*`;
  return `${base}${prefix}${route.path}`;
}

/** Formats the mounted routes as an aligned text table, one route per line, in template order. */
export function formatRouteTable(routes: readonly RouteSpec[], url: string): string {
  if (routes.length === 0) return 'No API routes in the template.';
  const rows = routes.map((r) => [
    r.path === profileOf(r.apiKind).catchAllPath ? r.path : r.method,
    routeUrl(r, url),
    r.functionName,
    `${r.apiLogicalId} (${profileOf(r.apiKind).label})`,
    `payload ${r.payloadFormatVersion}`,
  ]);
  const header = ['METHOD', 'URL', 'FUNCTION', 'API', 'FORMAT'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [`Mounted ${routes.length} route${routes.length === 1 ? '' : 's'}:`, line(header), ...rows.map(line)].join('\n');
}
