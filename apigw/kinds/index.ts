// The one registry of event kinds: kind → profile. A new kind is its own file plus one entry here.
import type { ApiKind } from '../../src/core/model.js';
import { HTTP_PROFILE } from './http.js';
import type { KindProfile } from './profile.js';
import { REST_PROFILE } from './rest.js';

export type { GatewayError, KindProfile, V1EventRules, V1ResultRules } from './profile.js';

/** Every kind's profile. */
export const PROFILES: Readonly<Record<ApiKind, KindProfile>> = {
  http: HTTP_PROFILE,
  rest: REST_PROFILE,
};

/** What answers a path no stage owns when the template mixes kinds (or has no API): HTTP API's 404. */
const FALLBACK_KIND: ApiKind = 'http';

/** The profile of a kind. */
export function profileOf(kind: ApiKind): KindProfile {
  return PROFILES[kind];
}

/** The profile answering paths no stage owns: the only kind present, else the fallback. */
export function unownedProfile(kinds: ReadonlySet<ApiKind>): KindProfile {
  const [only] = kinds;
  return kinds.size === 1 && only ? PROFILES[only] : PROFILES[FALLBACK_KIND];
}
