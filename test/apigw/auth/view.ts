// Builds request views for the apigw/auth tests: one realistic default, overridden per case.
import type { AuthRequestView } from '../../../apigw/auth/types.js';

export function view(overrides: Partial<AuthRequestView> = {}): AuthRequestView {
  return {
    apiKind: 'rest',
    method: 'GET',
    path: '/pets/7',
    fullPath: '/Prod/pets/7',
    rawQuery: 'a=1&a=2&q=x%20y',
    headers: [
      { name: 'Host', value: 'abc1234567.execute-api.us-east-1.amazonaws.com' },
      { name: 'User-Agent', value: 'curl/8.5.0' },
      { name: 'Authorization', value: 'allow' },
      { name: 'X-Multi', value: 'one' },
      { name: 'X-Multi', value: 'two' },
      { name: 'Cookie', value: 'a=1; b=2' },
    ],
    pathParameters: { id: '7' },
    stageVariables: { env: 'test' },
    stage: 'Prod',
    resource: '/pets/{id}',
    routeKey: 'GET /pets/{id}',
    sourceIp: '127.0.0.1',
    protocol: 'HTTP/1.1',
    requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
    extendedRequestId: 'JKJaXmPLvHcESHA=',
    timeEpochMs: 1_795_236_767_128,
    apiId: 'abc1234567',
    accountId: '123456789012',
    region: 'us-east-1',
    partition: 'aws',
    domainName: 'abc1234567.execute-api.us-east-1.amazonaws.com',
    ...overrides,
  };
}

/** The same request as an HTTP API sees it ($default stage, route key as resource). */
export function httpView(overrides: Partial<AuthRequestView> = {}): AuthRequestView {
  return view({ apiKind: 'http', stage: '$default', fullPath: '/pets/7', resource: 'GET /pets/{id}', ...overrides });
}

/** A clock the test moves by hand. */
export function manualClock(startMs = 1_795_236_767_128) {
  let now = startMs;
  return {
    now: () => now,
    monotonic: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}
