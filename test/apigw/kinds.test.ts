// The event-kind seam: one profile per kind in one registry, chosen once per route, and no kind test anywhere else in apigw.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROFILES, compileRoutes, matchRequest } from '../../apigw/index.js';
import { api, route } from './helpers.js';

const APIGW = join(import.meta.dirname, '../../apigw');

describe('event kind profiles', () => {
  it.each(Object.entries(PROFILES))('registers %s under its own kind', (key, profile) => {
    expect(profile.kind).toBe(key);
  });

  it('leaves no branch on the API kind outside apigw/kinds/', () => {
    const offenders = readdirSync(APIGW)
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) =>
        readFileSync(join(APIGW, f), 'utf8')
          .split('\n')
          .map((line, i) => ({ where: `${f}:${i + 1}`, line }))
          .filter(({ line }) => /[!=]==?\s*'(http|rest)'|'(http|rest)'\s*[!=]==?/.test(line)),
      );
    expect(offenders).toEqual([]);
  });

  it('gives every match the profile of its own route\'s API, in a template mixing kinds', () => {
    const http = api('http', { logicalId: 'H' });
    const rest = api('rest', { logicalId: 'R' });
    const table = compileRoutes([http, rest], [route(http, 'GET /a', 'A'), route(rest, 'GET /b', 'B')]);
    const kinds = [matchRequest(table, 'GET', '/a'), matchRequest(table, 'GET', '/Prod/b'), matchRequest(table, 'GET', '/Prod/zzz'), matchRequest(table, 'GET', '/zzz')].map(
      (m) => `${m.kind} ${m.profile.kind}`,
    );
    expect(kinds).toEqual(['integration http', 'integration rest', 'no-route rest', 'no-route http']);
  });

  it.each([
    [['rest'], 'rest'],
    [['http'], 'http'],
    [['http', 'rest'], 'http'],
    [[], 'http'],
  ] as const)('answers a path no stage owns, with APIs %j, as %s', (kinds, expected) => {
    const apis = kinds.map((k) => api(k, { stageName: 'only' }));
    expect(compileRoutes(apis, []).unowned.kind).toBe(expected);
  });
});
