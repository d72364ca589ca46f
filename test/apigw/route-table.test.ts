// The route table printed at start: method, URL with the stage prefix, function, API and payload format per route.
import { describe, expect, it } from 'vitest';
import { formatRouteTable, routeUrl } from '../../apigw/index.js';
import { api, route } from './helpers.js';

describe('formatRouteTable', () => {
  const http = api('http', { logicalId: 'ServerlessHttpApi' });
  const dev = api('http', { logicalId: 'OrdersApi', stageName: 'dev' });
  const rest = api('rest', { logicalId: 'ServerlessRestApi' });

  it.each([
    [http, 'GET /hello/{name}', 'http://127.0.0.1:3000/hello/{name}'],
    [http, '$default', 'http://127.0.0.1:3000/*'],
    [dev, 'GET /orders', 'http://127.0.0.1:3000/dev/orders'],
    [dev, '$default', 'http://127.0.0.1:3000/dev/*'],
    [rest, 'ANY /{proxy+}', 'http://127.0.0.1:3000/Prod/{proxy+}'],
    [rest, 'GET /', 'http://127.0.0.1:3000/Prod/'],
  ])('shows a route of %j, %s, at %s', (of, key, url) => {
    expect(routeUrl(route(of, key, 'Fn'), of, 'http://127.0.0.1:3000/')).toBe(url);
  });

  it('aligns one line per route under a header', () => {
    const table = formatRouteTable(
      {
        apis: [http, dev, rest],
        routes: [route(http, 'GET /hello/{name}', 'HelloFunction'), route(dev, 'POST /orders', 'Orders', '1.0'), route(rest, 'ANY /{proxy+}', 'Proxy'), route(http, '$default', 'Catch')],
      },
      'http://127.0.0.1:3000',
    );
    expect(table.split('\n')).toEqual([
      'Mounted 4 routes:',
      'METHOD    URL                                  FUNCTION       API                           FORMAT',
      'GET       http://127.0.0.1:3000/hello/{name}   HelloFunction  ServerlessHttpApi (HTTP API)  payload 2.0',
      'POST      http://127.0.0.1:3000/dev/orders     Orders         OrdersApi (HTTP API)          payload 1.0',
      'ANY       http://127.0.0.1:3000/Prod/{proxy+}  Proxy          ServerlessRestApi (REST API)  payload 1.0',
      '$default  http://127.0.0.1:3000/*              Catch          ServerlessHttpApi (HTTP API)  payload 2.0',
    ]);
  });

  it('says so when there are no routes', () => {
    expect(formatRouteTable({ apis: [], routes: [] }, 'http://127.0.0.1:3000')).toBe('No API routes in the template.');
  });

  it('refuses a route whose API is not given, with EMU_APIGW_UNKNOWN_API', () => {
    expect(() => formatRouteTable({ apis: [http], routes: [route(rest, 'GET /x', 'X')] }, 'http://127.0.0.1:3000')).toThrow(
      expect.objectContaining({ code: 'EMU_APIGW_UNKNOWN_API' }),
    );
  });
});
