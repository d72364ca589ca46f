// API keys: the store of known keys (AWS::ApiGateway::ApiKey values and local keys) and the x-api-key check of ApiKeyRequired routes.
import { GATEWAY_RESPONSES } from './answers.js';
import { headerValuesOf } from './identity.js';
import type { AuthDeny, AuthRequestView } from './types.js';

/** One key as API Gateway knows it. */
export interface ApiKey {
  /** The key's id (`requestContext.identity.apiKeyId`); the logical id for template keys. */
  id: string;
  value: string;
  /** `Enabled: false` keys are refused like unknown ones. */
  enabled: boolean;
}

/** The header clients send the key in (API key source HEADER, the default). */
export const API_KEY_HEADER = 'x-api-key';

export class ApiKeyStore {
  private readonly byValue = new Map<string, ApiKey>();

  constructor(keys: Iterable<ApiKey> = []) {
    for (const key of keys) this.add(key);
  }

  add(key: ApiKey): void {
    this.byValue.set(key.value, key);
  }

  /** A local key given by flag or option: its value is its id. */
  addLocal(value: string): void {
    this.add({ id: value, value, enabled: true });
  }

  lookup(value: string): ApiKey | undefined {
    const key = this.byValue.get(value);
    return key && key.enabled ? key : undefined;
  }

  get size(): number {
    return this.byValue.size;
  }
}

/**
 * The check of an `ApiKeyRequired` route: a known, enabled key in `x-api-key`, else 403
 * `{"message":"Forbidden"}` (REST gateway response INVALID_API_KEY). `fromAuthorizer` is a Lambda
 * authorizer's `usageIdentifierKey`, used instead of the header when the API's key source is AUTHORIZER.
 */
export function checkApiKey(store: ApiKeyStore, view: AuthRequestView, fromAuthorizer?: string): { key: ApiKey } | AuthDeny {
  const value = fromAuthorizer ?? headerValuesOf(view, API_KEY_HEADER).at(-1);
  if (value === undefined || value === '') return GATEWAY_RESPONSES.apiKeyForbidden(`no API key in ${fromAuthorizer === undefined ? API_KEY_HEADER : 'usageIdentifierKey'}`);
  const key = store.lookup(value);
  if (!key) return GATEWAY_RESPONSES.apiKeyForbidden('the API key is not known or not enabled');
  return { key };
}
