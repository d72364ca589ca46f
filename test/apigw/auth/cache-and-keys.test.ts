// The authorizer result cache (TTL on an injected clock) and the API key store and check.
import { describe, expect, it } from 'vitest';
import { ApiKeyStore, checkApiKey } from '../../../apigw/auth/api-keys.js';
import { AuthorizerCache } from '../../../apigw/auth/cache.js';
import { manualClock, view } from './view.js';

describe('AuthorizerCache', () => {
  it('keeps an answer until ReauthorizeEvery seconds have passed', () => {
    const clock = manualClock();
    const cache = new AuthorizerCache<string>(clock);
    cache.set('k', 'v', 300);
    clock.advance(299_999);
    expect(cache.get('k')).toBe('v');
    clock.advance(1);
    expect(cache.get('k')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keeps nothing when ReauthorizeEvery is 0', () => {
    const cache = new AuthorizerCache<string>(manualClock());
    cache.set('k', 'v', 0);
    expect(cache.get('k')).toBeUndefined();
  });

  it('clamps a TTL over 3600 s to API Gateway’s maximum', () => {
    const clock = manualClock();
    const cache = new AuthorizerCache<string>(clock);
    cache.set('k', 'v', 86_400);
    clock.advance(3_600_000);
    expect(cache.get('k')).toBeUndefined();
  });

  it('keys are separate', () => {
    const cache = new AuthorizerCache<string>(manualClock());
    cache.set('a', '1', 10);
    cache.set('b', '2', 10);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual(['1', '2', undefined]);
  });
});

describe('API keys', () => {
  const store = new ApiKeyStore([
    { id: 'MyKey', value: 'template-value-1234567890', enabled: true },
    { id: 'Off', value: 'disabled-value-1234567890', enabled: false },
  ]);
  store.addLocal('local-key');
  const withKey = (value?: string) => view({ headers: value === undefined ? [] : [{ name: 'X-Api-Key', value }] });

  it.each([
    ['a template key', 'template-value-1234567890', 'MyKey'],
    ['a local key', 'local-key', 'local-key'],
  ])('accepts %s in x-api-key', (_, value, id) => {
    expect(checkApiKey(store, withKey(value))).toEqual({ key: { id, value, enabled: true } });
  });

  it.each([
    ['no key', undefined],
    ['an empty key', ''],
    ['an unknown key', 'guess'],
    ['a disabled key', 'disabled-value-1234567890'],
  ])('answers 403 {"message":"Forbidden"} to %s', (_, value) => {
    expect(checkApiKey(store, withKey(value))).toMatchObject({ allow: false, status: 403, body: '{"message":"Forbidden"}' });
  });

  it("uses the authorizer's usageIdentifierKey instead of the header when given", () => {
    expect(checkApiKey(store, withKey('guess'), 'local-key')).toMatchObject({ key: { id: 'local-key' } });
  });
});
