// AWS's request limits, measured on bytes: 10 KB of request line and headers, 10 MB API payload (enforced while reading), 6 MB Lambda event.
import type { Readable } from 'node:stream';
import type { ApiKind } from '../src/core/model.js';
import { LIMITS } from '../src/core/wire.js';
import { PROFILES } from './kinds/index.js';

/** Which limit a request broke, and by how much. */
export interface LimitBreach {
  limit: 'request-headers' | 'api-payload' | 'lambda-payload';
  limitBytes: number;
  /** Bytes measured; for a body refused while reading, the bytes seen so far (a lower bound). */
  actualBytes: number;
}

/** Bytes of the request line and header block as they crossed the wire (`GET / HTTP/1.1\r\n`, `Name: value\r\n`…, `\r\n`). */
export function requestHeaderBytes(method: string, url: string, httpVersion: string, rawHeaders: readonly string[]): number {
  let bytes = Buffer.byteLength(`${method} ${url} HTTP/${httpVersion}\r\n\r\n`);
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) bytes += Buffer.byteLength(`${rawHeaders[i]}: ${rawHeaders[i + 1]}\r\n`);
  return bytes;
}

/** API Gateway's 10,240-byte limit on the request line and headers. */
export function checkRequestHeaders(method: string, url: string, httpVersion: string, rawHeaders: readonly string[]): LimitBreach | undefined {
  const actualBytes = requestHeaderBytes(method, url, httpVersion, rawHeaders);
  return actualBytes > LIMITS.apiRequestHeaderBytes ? { limit: 'request-headers', limitBytes: LIMITS.apiRequestHeaderBytes, actualBytes } : undefined;
}

/** Lambda's 6,291,456-byte synchronous payload, measured on the serialised event (base64 and JSON escaping count). */
export function checkEventSize(eventBytes: number): LimitBreach | undefined {
  return eventBytes > LIMITS.syncRequestBytes ? { limit: 'lambda-payload', limitBytes: LIMITS.syncRequestBytes, actualBytes: eventBytes } : undefined;
}

/** A refusal says how many body bytes were already read (none for a declared Content-Length), so the drain can count the rest. */
export type BodyRead = { ok: true; body: Buffer } | { ok: false; breach: LimitBreach; readBytes: number } | { ok: false; aborted: true };

/**
 * Reads a request body, never holding more than `limitBytes`: a declared Content-Length over the
 * limit is refused before a byte is read, a longer stream as soon as it passes the limit.
 */
export function readBody(stream: Readable, contentLength: string | undefined, limitBytes: number = LIMITS.apiPayloadBytes): Promise<BodyRead> {
  const declared = contentLength === undefined ? NaN : Number(contentLength);
  if (declared > limitBytes) return Promise.resolve({ ok: false, breach: { limit: 'api-payload', limitBytes, actualBytes: declared }, readBytes: 0 });
  return new Promise<BodyRead>((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const cleanup = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limitBytes) {
        cleanup();
        stream.pause();
        resolve({ ok: false, breach: { limit: 'api-payload', limitBytes, actualBytes: received }, readBytes: received });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve({ ok: true, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received) });
    };
    // The client went away before the body was complete: nobody is left to answer.
    const onError = () => {
      cleanup();
      resolve({ ok: false, aborted: true });
    };
    const onClose = onError;
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}

/**
 * Reads and drops what is left of a refused body, up to `maxBytes` or `maxMs`, so that the client
 * is still listening when the refusal arrives (answering mid-upload and closing resets the
 * connection, and the client never sees the 413). Nothing is kept.
 */
export function drainBody(stream: Readable, maxBytes: number, maxMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    let seen = 0;
    const done = () => {
      clearTimeout(timer);
      stream.off('data', onData);
      stream.off('end', done);
      stream.off('error', done);
      stream.off('close', done);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > maxBytes) done();
    };
    const timer = setTimeout(done, maxMs);
    if (stream.readableEnded) return done();
    stream.on('data', onData);
    stream.on('end', done);
    stream.on('error', done);
    stream.on('close', done);
    stream.resume();
  });
}

/** The integration timeout option: one value for every API, or one per API kind. */
export type IntegrationTimeoutOption = number | Partial<Record<ApiKind, number>>;

/** Integration timeouts per API kind, each profile's AWS maximum by default (HTTP API 30 s, REST 29 s). */
export function integrationTimeouts(option: IntegrationTimeoutOption | undefined): Record<ApiKind, number> {
  const timeouts = {} as Record<ApiKind, number>;
  for (const profile of Object.values(PROFILES)) {
    timeouts[profile.kind] = typeof option === 'number' ? option : option?.[profile.kind] ?? profile.integrationTimeoutMs;
  }
  return timeouts;
}

/** Describes a breach for the log: which limit, its size, and by how much it was passed. */
export function describeBreach(breach: LimitBreach): { limit: string; limitBytes: number; actualBytes: number; overByBytes: number } {
  return { ...breach, overByBytes: breach.actualBytes - breach.limitBytes };
}
