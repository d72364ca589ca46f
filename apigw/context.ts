// Per-request identity (request ids, trace id, time) made once from the injected clock and id source, and the time format events use.
import * as crypto from 'node:crypto';
import type { KindProfile } from './kinds/profile.js';
import { newTraceId, type Clock, type IdSource } from '../src/core/ids.js';

/** What one request is known by: shared by the event, the response headers and the log line. */
export interface RequestIdentity {
  /** `requestContext.requestId`: HTTP API's short id (also `apigw-requestid`), REST's UUID (also `x-amzn-RequestId`). */
  requestId: string;
  /** `requestContext.extendedRequestId` (REST `x-amz-apigw-id`). */
  extendedRequestId: string;
  /** The `X-Amzn-Trace-Id` value the gateway forwards: the client's, or a new root. */
  traceId: string;
  /** When the gateway received the request, epoch ms. */
  timeEpochMs: number;
}

/** Gateway-side facts only real AWS knows; the emulator fills them with placeholders or options. */
export interface GatewaySettings {
  accountId: string;
  region: string;
}

/**
 * API Gateway's short ids look like `JKJaXmPLvHcESHA=` (11 bytes in base64); derived from a full id
 * so that an injected id source keeps tests deterministic.
 */
export function shortId(id: string): string {
  const digest = oneShotHash ? oneShotHash('sha256', id, 'buffer') : crypto.createHash('sha256').update(id).digest();
  return digest.subarray(0, 11).toString('base64');
}

/** Node's one-shot `crypto.hash` (20.12+): the same digest without a Hash object per request. */
const oneShotHash = (crypto as unknown as { hash?: (algorithm: string, data: string, encoding: 'buffer') => Buffer }).hash;

/** Makes the identity of one request. */
export function newIdentity(profile: KindProfile, clock: Clock, ids: IdSource, clientTraceId?: string): RequestIdentity {
  const timeEpochMs = clock.now();
  return {
    ...profile.requestIds(ids()),
    traceId: clientTraceId && clientTraceId.includes('Root=') ? clientTraceId : newTraceId(timeEpochMs),
    timeEpochMs,
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** `dd/Mon/yyyy:HH:mm:ss +0000` in UTC, the format of `requestContext.time` / `requestTime`. */
export function formatRequestTime(epochMs: number): string {
  const d = new Date(epochMs);
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/** A stable 6-character REST `resourceId` for a resource path (AWS ids look like `abc123`). */
export function resourceId(apiId: string, resourcePath: string): string {
  return crypto.createHash('sha256').update(`${apiId} ${resourcePath}`).digest('hex').slice(0, 6);
}
