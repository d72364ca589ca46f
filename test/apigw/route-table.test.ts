// The route table printed at start: method, URL with the stage prefix, function, API and payload format per route.
import { describe, expect, it } from 'vitest';
import { formatRouteTable, routeUrl } from '../../apigw/index.js';
import { api, route } from './helpers.js';

describe('formatRouteTable', () => {
  const http = api('http', { logicalId: 'ServerlessHttpApi' });
  const dev = api('http', { logicalId: 'OrdersApi', stageName: 'dev' });
  const rest = api('rest', { logicalId: 'ServerlessRestApi' });

  it.each([
    [route(http, 'GET /hello/{name}', 'Hello'), 'http://127.0.0.1:3000/hello/{name}'],
    [route(http, '$default', 'Catch'), 'http://127.0.0.1:3000/*'],
    [route(dev, 'GET /orders', 'Orders'), 'http://127.0.0.1:3000/dev/orders'],
    [route(dev, '$default', 'DevCatch'), 'http://127.0.0.1:3000/dev/*'],
    [route(rest, 'ANY /{proxy+}', 'Proxy'), 'http://127.0.0.1:3000/Prod/{proxy+}'],
    [route(rest, 'GET /', 'Root'), 'http://127.0.0.1:3000/Prod/'],
  ])('shows %j at %s', (r, url) => {
    expect(routeUrl(r, 'http://127.0.0.1:3000/')).toBe(url);
  });

  it('aligns one line per route under a header', () => {
    const table = formatRouteTable(
      [route(http, 'GET /hello/{name}', 'HelloFunction'), route(dev, 'POST /orders', 'Orders', '1.0'), route(rest, 'ANY /{proxy+}', 'Proxy'), route(http, '$default', 'Catch')],
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
    expect(formatRouteTable([], 'http://127.0.0.1:3000')).toBe('No API routes in the template.');
  });
});
