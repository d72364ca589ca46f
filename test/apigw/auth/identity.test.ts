// Identity sources: every expression form, missing values, REST and HTTP value rules, cache keys, ValidationExpression.
import { describe, expect, it } from 'vitest';
import { isEmulatorError } from '../../../src/core/errors.js';
import {
  identityCacheKey,
  identitySourcesFromSam,
  identityValue,
  parseIdentitySource,
  parseIdentitySources,
  readIdentity,
  tokenMatches,
} from '../../../apigw/auth/identity.js';
import { httpView, view } from './view.js';

describe('identity sources', () => {
  it.each([
    ['$request.header.Authorization', 'header', 'Authorization'],
    ['$request.querystring.q', 'querystring', 'q'],
    ['$context.requestId', 'context', 'requestId'],
    ['$stageVariables.env', 'stageVariables', 'env'],
    ['method.request.header.Auth', 'header', 'Auth'],
    ['method.request.multivalueheader.X-Multi', 'header', 'X-Multi'],
    ['method.request.querystring.q', 'querystring', 'q'],
    ['context.identity.sourceIp', 'context', 'identity.sourceIp'],
    ['stageVariables.env', 'stageVariables', 'env'],
  ])('parses %s', (expression, where, name) => {
    expect(parseIdentitySource(expression)).toEqual({ expression, where, name });
  });

  it.each(['request.header.Authorization', '$request.body.x', 'Authorization', '$request.header.', 'method.request.path.id'])('refuses %s with EMU_AUTH_BAD_IDENTITY_SOURCE', (expression) => {
    let err: unknown;
    try {
      parseIdentitySource(expression, 'Auth.Authorizers.A.Identity');
    } catch (e) {
      err = e;
    }
    expect(isEmulatorError(err) && err.code).toBe('EMU_AUTH_BAD_IDENTITY_SOURCE');
    expect((err as Error).message).toContain(`Auth.Authorizers.A.Identity: "${expression}"`);
  });

  it("splits REST's comma-separated form", () => {
    expect(parseIdentitySources('method.request.header.A, method.request.querystring.b').map((s) => s.name)).toEqual(['A', 'b']);
  });

  it.each([
    ['REST header: last value', view(), 'method.request.header.x-multi', 'two'],
    ['HTTP header: comma-joined', httpView(), '$request.header.X-MULTI', 'one,two'],
    ['REST query: last value, decoded', view(), 'method.request.querystring.a', '2'],
    ['HTTP query: comma-joined', httpView(), '$request.querystring.a', '1,2'],
    ['decoded query', httpView(), '$request.querystring.q', 'x y'],
    ['stage variable', view(), 'stageVariables.env', 'test'],
    ['context variable', view(), 'context.requestId', 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef'],
    ['context source ip', httpView(), '$context.identity.sourceIp', '127.0.0.1'],
    ['absent header', view(), 'method.request.header.Nope', undefined],
    ['absent stage variable', view(), 'stageVariables.toString', undefined],
  ])('reads the %s', (_, v, expression, value) => {
    expect(identityValue(v, parseIdentitySource(expression))).toBe(value);
  });

  it('names the first missing or empty source; all present gives the values in order', () => {
    const sources = parseIdentitySources(['$request.header.Authorization', '$request.querystring.q']);
    expect(readIdentity(httpView(), sources)).toEqual({ values: ['allow', 'x y'] });
    const empty = httpView({ headers: [{ name: 'Authorization', value: '' }] });
    expect(readIdentity(empty, sources)).toMatchObject({ missing: { expression: '$request.header.Authorization' } });
    expect(readIdentity(httpView({ rawQuery: '' }), sources)).toMatchObject({ missing: { expression: '$request.querystring.q' } });
  });

  it('keys the cache unambiguously by authorizer and values', () => {
    expect(identityCacheKey('A', ['a,b'])).not.toBe(identityCacheKey('A', ['a', 'b']));
    expect(identityCacheKey('A', ['x'])).not.toBe(identityCacheKey('B', ['x']));
    expect(identityCacheKey('A', ['x'])).toBe(identityCacheKey('A', ['x']));
  });

  it.each([
    ['rest', ['method.request.header.Auth', 'method.request.querystring.q', 'stageVariables.s', 'context.c']],
    ['http', ['$request.header.Auth', '$request.querystring.q', '$stageVariables.s', '$context.c']],
  ] as const)("turns SAM's Identity block into %s expressions", (kind, expected) => {
    expect(identitySourcesFromSam({ Headers: ['Auth'], QueryStrings: ['q'], StageVariables: ['s'], Context: ['c'] }, kind)).toEqual(expected);
  });

  it.each([
    ['Bearer abc', '^Bearer [-0-9a-zA-Z._]+$', true],
    ['Bearer abc', 'Bearer', false],
    ['xBearer abc', 'Bearer .*', false],
    ['allow', 'allow|deny', true],
  ])('matches %s against ValidationExpression %s as a whole: %s', (token, expression, ok) => {
    expect(tokenMatches(token, expression)).toBe(ok);
  });

  it('refuses an invalid ValidationExpression with EMU_AUTH_BAD_VALIDATION_EXPRESSION', () => {
    expect(() => tokenMatches('x', '([')).toThrow(expect.objectContaining({ code: 'EMU_AUTH_BAD_VALIDATION_EXPRESSION' }));
  });
});
