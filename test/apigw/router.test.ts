// Route matching as API Gateway does it: precedence, greedy variables, methods, $default, stage prefixes, several APIs.
import { describe, expect, it } from 'vitest';
import { compileRoutes, matchRequest, stagePrefix, type RouteMatch } from '../../apigw/index.js';
import { compareSpecificity, matchSegments, parseRoutePath } from '../../apigw/router.js';
import { api, cors, route } from './helpers.js';

/** What a match resolves to, in one comparable string. */
function describeMatch(m: RouteMatch): string {
  switch (m.kind) {
    case 'integration':
      return `${m.route.routeKey} → ${m.route.functionName} ${JSON.stringify(m.pathParameters)}`;
    case 'cors-mock':
      return `cors-mock ${m.allowMethods.join(',')}`;
    case 'no-route':
      return `no-route (${m.profile.kind})`;
    case 'no-stage':
      return `no-stage (${m.profile.kind})`;
  }
}

describe('HTTP API route precedence (AWS "Routing API requests" example)', () => {
  const http = api('http');
  const table = compileRoutes(
    [http],
    [
      route(http, 'GET /pets/dog/1', 'Exact'),
      route(http, 'GET /pets/dog/{id}', 'Param'),
      route(http, 'GET /pets/{proxy+}', 'PetsGreedy'),
      route(http, 'ANY /{proxy+}', 'RootGreedy'),
      route(http, '$default', 'Default'),
    ],
  );
  it.each([
    ['GET', '/pets/dog/1', 'GET /pets/dog/1 → Exact {}'],
    ['GET', '/pets/dog/2', 'GET /pets/dog/{id} → Param {"id":"2"}'],
    ['GET', '/pets/cat/1', 'GET /pets/{proxy+} → PetsGreedy {"proxy":"cat/1"}'],
    ['POST', '/pets/dog/1', 'ANY /{proxy+} → RootGreedy {"proxy":"pets/dog/1"}'],
    ['GET', '/test', 'ANY /{proxy+} → RootGreedy {"proxy":"test"}'],
    // A greedy variable needs at least one segment: `/` falls to $default.
    ['GET', '/', '$default → Default {}'],
    // Methods outside API Gateway's seven never match ANY or $default.
    ['PROPFIND', '/pets/dog/1', 'no-route (http)'],
  ])('%s %s selects %s', (method, path, expected) => {
    expect(describeMatch(matchRequest(table, method, path))).toBe(expected);
  });
});

describe('HTTP API method rules', () => {
  const http = api('http');
  const table = compileRoutes(
    [http],
    [route(http, 'GET /items', 'GetItems'), route(http, 'ANY /items', 'AnyItems'), route(http, 'GET /only-get', 'OnlyGet'), route(http, 'HEAD /head', 'Head')],
  );
  it.each([
    ['GET', '/items', 'GET /items → GetItems {}'],
    ['DELETE', '/items', 'ANY /items → AnyItems {}'],
    ['OPTIONS', '/items', 'ANY /items → AnyItems {}'],
    ['HEAD', '/items', 'ANY /items → AnyItems {}'],
    // HEAD is not GET: without a HEAD or ANY route it is a 404.
    ['HEAD', '/only-get', 'no-route (http)'],
    ['POST', '/only-get', 'no-route (http)'],
    ['HEAD', '/head', 'HEAD /head → Head {}'],
  ])('%s %s → %s', (method, path, expected) => {
    expect(describeMatch(matchRequest(table, method, path))).toBe(expected);
  });

  it('falls through to $default when the path matches but the method does not', () => {
    const withDefault = compileRoutes([http], [route(http, 'GET /only-get', 'OnlyGet'), route(http, '$default', 'Default')]);
    expect(describeMatch(matchRequest(withDefault, 'POST', '/only-get'))).toBe('$default → Default {}');
  });

  it('falls through to a less specific route whose method matches', () => {
    const t = compileRoutes([http], [route(http, 'GET /a/b', 'Static'), route(http, 'POST /a/{x}', 'Param')]);
    expect(describeMatch(matchRequest(t, 'POST', '/a/b'))).toBe('POST /a/{x} → Param {"x":"b"}');
  });
});

describe('path variables', () => {
  it.each([
    ['/hello/{name}', '/hello/ann', { name: 'ann' }],
    ['/hello/{name}', '/hello/ann%20b', { name: 'ann b' }],
    ['/hello/{name}', '/hello/caf%C3%A9', { name: 'café' }],
    ['/hello/{name}', '/hello/bad%zz', { name: 'bad%zz' }],
    ['/a/{x}/b/{y}', '/a/1/b/2', { x: '1', y: '2' }],
    ['/files/{path+}', '/files/a/b/c.txt', { path: 'a/b/c.txt' }],
    ['/files/{path+}', '/files/a%2Fb', { path: 'a/b' }],
    ['/{id}/{proxy+}', '/7/x/y', { id: '7', proxy: 'x/y' }],
    ['/{proxy+}', '/x/', { proxy: 'x/' }],
  ])('%s matches %s with %j', (template, path, params) => {
    expect(matchSegments(parseRoutePath(template), path.slice(1).split('/'))).toEqual(params);
  });

  it.each([
    ['/{proxy+}', '/'],
    ['/hello/{name}', '/hello'],
    ['/hello/{name}', '/hello/'],
    ['/hello/{name}', '/hello/a/b'],
    ['/files/{path+}', '/files'],
    ['/hello', '/Hello'],
  ])('%s does not match %s', (template, path) => {
    const parts = path === '/' ? [] : path.slice(1).split('/');
    expect(matchSegments(parseRoutePath(template), parts)).toBeUndefined();
  });

  it.each([
    ['/a/b', '/a/{x}'],
    ['/a/{x}', '/a/{proxy+}'],
    ['/a/{proxy+}', '/{proxy+}'],
    ['/{x}/b', '/{x}/{y}'],
    ['/a/{x}', '/{x}/b'],
  ])('%s is more specific than %s', (a, b) => {
    expect(compareSpecificity(parseRoutePath(a), parseRoutePath(b))).toBeLessThan(0);
    expect(compareSpecificity(parseRoutePath(b), parseRoutePath(a))).toBeGreaterThan(0);
  });
});

describe('REST resources', () => {
  const rest = api('rest');
  const table = compileRoutes([rest], [route(rest, 'GET /pets', 'GetPets'), route(rest, 'ANY /{proxy+}', 'Proxy'), route(rest, 'GET /', 'Root')]);
  it.each([
    ['GET', '/Prod/pets', 'GET /pets → GetPets {}'],
    // REST picks the resource first: /pets exists, POST is not defined on it.
    ['POST', '/Prod/pets', 'no-route (rest)'],
    ['HEAD', '/Prod/pets', 'no-route (rest)'],
    ['GET', '/Prod/pets/', 'GET /pets → GetPets {}'],
    ['GET', '/Prod/other/x', 'ANY /{proxy+} → Proxy {"proxy":"other/x"}'],
    ['GET', '/Prod', 'GET / → Root {}'],
    ['GET', '/Prod/', 'GET / → Root {}'],
    // Also at the root, as `sam local start-api` serves them and API Gateway does behind a custom domain.
    ['GET', '/pets', 'GET /pets → GetPets {} (at the root)'],
    ['GET', '/', 'GET / → Root {} (at the root)'],
    ['GET', '/Production/pets', 'ANY /{proxy+} → Proxy {"proxy":"Production/pets"} (at the root)'],
  ])('%s %s → %s', (method, path, expected) => {
    const match = matchRequest(table, method, path);
    expect(describeMatch(match) + (match.kind === 'integration' && match.atRoot ? ' (at the root)' : '')).toBe(expected);
  });

  it('answers a root path no REST resource has with the REST miss, not a stage miss', () => {
    const only = api('rest');
    const t = compileRoutes([only], [route(only, 'GET /hello', 'Hello')]);
    expect(describeMatch(matchRequest(t, 'GET', '/nope'))).toBe('no-route (rest)');
    expect(t.notes).toEqual([]);
  });

  it('leaves the root to an HTTP API $default stage and says so', () => {
    const http = api('http', { logicalId: 'ServerlessHttpApi', stageName: '$default' });
    const rest = api('rest', { logicalId: 'ServerlessRestApi' });
    const t = compileRoutes([http, rest], [route(http, 'GET /hello', 'H'), route(rest, 'GET /hello', 'R')]);
    expect(describeMatch(matchRequest(t, 'GET', '/hello'))).toBe('GET /hello → H {}');
    expect(describeMatch(matchRequest(t, 'GET', '/Prod/hello'))).toBe('GET /hello → R {}');
    expect(t.notes).toEqual(['REST API routes are served under /Prod only: ServerlessHttpApi (HTTP API, $default stage) owns the root']);
  });

  it('adds a CORS mock OPTIONS to every resource without one, listing its methods', () => {
    const withCors = api('rest', { cors: cors({ allowOrigins: ['*'] }) });
    const t = compileRoutes(
      [withCors],
      [route(withCors, 'GET /a', 'A'), route(withCors, 'POST /a', 'A'), route(withCors, 'ANY /b', 'B'), route(withCors, 'OPTIONS /c', 'C')],
    );
    expect(describeMatch(matchRequest(t, 'OPTIONS', '/Prod/a'))).toBe('cors-mock GET,OPTIONS,POST');
    expect(describeMatch(matchRequest(t, 'OPTIONS', '/Prod/b'))).toBe('cors-mock DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT');
    expect(describeMatch(matchRequest(t, 'OPTIONS', '/Prod/c'))).toBe('OPTIONS /c → C {}');
  });

  it('uses the configured AllowMethods for the mock when set', () => {
    const withCors = api('rest', { cors: cors({ allowOrigins: ['*'], allowMethods: ['GET', 'PUT'] }) });
    const t = compileRoutes([withCors], [route(withCors, 'GET /a', 'A')]);
    expect(describeMatch(matchRequest(t, 'OPTIONS', '/Prod/a'))).toBe('cors-mock GET,PUT');
  });
});

describe('stages and several APIs', () => {
  it.each([
    [{ kind: 'http' as const, stageName: '$default' }, ''],
    [{ kind: 'http' as const, stageName: 'dev' }, '/dev'],
    [{ kind: 'rest' as const, stageName: 'Prod' }, '/Prod'],
  ])('the stage prefix of %j is "%s"', (spec, prefix) => {
    expect(stagePrefix(spec)).toBe(prefix);
  });

  const root = api('http', { logicalId: 'RootApi' });
  const dev = api('http', { logicalId: 'DevApi', stageName: 'dev' });
  const rest = api('rest', { logicalId: 'RestApi', stageName: 'v1' });
  const table = compileRoutes(
    [root, dev, rest],
    [route(root, '$default', 'RootDefault'), route(dev, 'GET /orders', 'DevOrders'), route(rest, 'GET /orders', 'RestOrders'), route(root, 'GET /orders', 'RootOrders')],
  );
  it.each([
    ['/orders', 'GET /orders → RootOrders {}'],
    ['/dev/orders', 'GET /orders → DevOrders {}'],
    ['/v1/orders', 'GET /orders → RestOrders {}'],
    // A named stage owns its subtree: an unknown path there is that API's own 404/403.
    ['/dev/unknown', 'no-route (http)'],
    ['/v1/unknown', 'no-route (rest)'],
    ['/anything/else', '$default → RootDefault {}'],
    ['/development', '$default → RootDefault {}'],
  ])('GET %s → %s', (path, expected) => {
    expect(describeMatch(matchRequest(table, 'GET', path))).toBe(expected);
  });

  it('answers "no stage" with HTTP API semantics when no $default stage exists', () => {
    const t = compileRoutes([dev], [route(dev, 'GET /orders', 'DevOrders')]);
    expect(describeMatch(matchRequest(t, 'GET', '/orders'))).toBe('no-stage (http)');
  });

  it('refuses a route naming an API that is not in the list, with EMU_APIGW_UNKNOWN_API', () => {
    expect(() => compileRoutes([], [route(rest, 'GET /x', 'X')])).toThrow(expect.objectContaining({ code: 'EMU_APIGW_UNKNOWN_API', message: expect.stringContaining(`"${rest.logicalId}"`) }));
  });

  it('serves a route with the settings of the API it names', () => {
    const t = compileRoutes([rest], [route(rest, 'GET /x', 'X')]);
    expect(describeMatch(matchRequest(t, 'GET', '/v1/x'))).toBe('GET /x → X {}');
  });
});
