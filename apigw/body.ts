// Request bodies in events (text, or base64 exactly when AWS base64s them) and the media-type and base64 rules responses share.
import { isUtf8 } from 'node:buffer';
import { HTTP_API_TEXT_MEDIA_TYPES } from './wire.js';
import { mediaType } from './request.js';

/** The body fields of an event; `body` undefined means "no body". */
export interface EventBody {
  body: string | undefined;
  isBase64Encoded: boolean;
}

/** Does a media type match one of the patterns (`image/*`, `*\/*`, `application/octet-stream`)? Case-insensitive. */
export function matchesMediaType(type: string, patterns: readonly string[]): boolean {
  const [major = '', minor = ''] = mediaType(type).split('/');
  return patterns.some((pattern) => {
    const [pMajor = '', pMinor = ''] = mediaType(pattern).split('/');
    return (pMajor === '*' || pMajor === major) && (pMinor === '*' || pMinor === minor) && (major !== '' || pMajor === '*');
  });
}

/** HTTP API sends `text/*`, JSON, XML and JavaScript bodies as text, and everything else as base64 (spec §4.1). */
export function isHttpApiText(contentType: string | undefined): boolean {
  const type = mediaType(contentType);
  return type.startsWith('text/') || HTTP_API_TEXT_MEDIA_TYPES.has(type);
}

/** HTTP API (both payload formats): base64 unless the media type is text, and always when text bytes are not UTF-8. */
export function httpApiRequestBody(bytes: Buffer, contentType: string | undefined): EventBody {
  if (bytes.length === 0) return { body: undefined, isBase64Encoded: false };
  // A "text" body that is not UTF-8 would be corrupted as a JSON string: base64 keeps the bytes (emulate's choice).
  if (isHttpApiText(contentType) && isUtf8(bytes)) return { body: bytes.toString('utf8'), isBase64Encoded: false };
  return { body: bytes.toString('base64'), isBase64Encoded: true };
}

/**
 * REST: base64 iff the Content-Type matches the API's `binaryMediaTypes`, wildcards honoured and
 * `*\/*` matching everything, a missing Content-Type included (AWS "Content type conversions").
 * Other bodies are text; bytes that are not UTF-8 are decoded lossily, as a text conversion does.
 */
export function restRequestBody(bytes: Buffer, contentType: string | undefined, binaryMediaTypes: readonly string[]): EventBody {
  if (bytes.length === 0) return { body: undefined, isBase64Encoded: false };
  const binary = binaryMediaTypes.some((t) => mediaType(t) === '*/*') || (contentType !== undefined && matchesMediaType(contentType, binaryMediaTypes));
  if (binary) return { body: bytes.toString('base64'), isBase64Encoded: true };
  return { body: bytes.toString('utf8'), isBase64Encoded: false };
}

/**
 * Base64 decoding as a Java decoder does it (standard alphabet; padding optional but, when present,
 * well placed): undefined when the text is not base64. Line breaks are tolerated.
 */
export function decodeBase64(text: string): Buffer | undefined {
  const compact = text.replace(/[\r\n]+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return undefined;
  const data = compact.replace(/=+$/, '');
  if (data.length % 4 === 1) return undefined;
  if (data.length !== compact.length && compact.length % 4 !== 0) return undefined;
  return Buffer.from(data, 'base64');
}
