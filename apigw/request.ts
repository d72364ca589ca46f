// The incoming HTTP request as the translators see it, and the parsing every event format shares: headers, query, cookies, decoding.

/** One HTTP request, captured once by the server; translators never touch sockets. */
export interface GatewayRequest {
  /** Upper-case method as received. */
  method: string;
  /** The request target as received: raw path plus `?query`, still percent-encoded. */
  url: string;
  /** Node's `rawHeaders`: names with their original case, in order, duplicates kept. */
  rawHeaders: readonly string[];
  /** The body's exact bytes (empty when there is none). */
  body: Buffer;
  /** The client's address (the socket peer). */
  sourceIp: string;
  /** `1.1`, `1.0`, `2.0`. */
  httpVersion: string;
  /** Scheme and port the client reached the gateway on (what `X-Forwarded-Proto/-Port` describe). */
  scheme: 'http' | 'https';
  localPort: number;
}

/** One header line. */
export interface HeaderLine {
  name: string;
  value: string;
}

/** The header lines in order, original case kept. */
export function headerLines(rawHeaders: readonly string[]): HeaderLine[] {
  const lines: HeaderLine[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) lines.push({ name: rawHeaders[i]!, value: rawHeaders[i + 1]! });
  return lines;
}

/** Every value of a header (case-insensitive name), in order. */
export function headerValues(lines: readonly HeaderLine[], name: string): string[] {
  const wanted = name.toLowerCase();
  return lines.filter((l) => l.name.toLowerCase() === wanted).map((l) => l.value);
}

/** The first value of a header, if any. */
export function headerValue(lines: readonly HeaderLine[], name: string): string | undefined {
  return headerValues(lines, name)[0];
}

/** Splits the request target into the raw path and the raw query (without `?`). */
export function splitUrl(url: string): { rawPath: string; rawQuery: string } {
  const q = url.indexOf('?');
  const rawPath = q === -1 ? url : url.slice(0, q);
  const rawQuery = q === -1 ? '' : url.slice(q + 1);
  // An absolute-form target (`GET http://host/path`) names the path after the authority.
  const path = /^[a-z][a-z0-9+.-]*:\/\//i.test(rawPath) ? rawPath.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '') || '/' : rawPath;
  return { rawPath: path.startsWith('/') ? path : `/${path}`, rawQuery };
}

/** Percent-decodes, keeping the input when it is not valid percent-encoding (a gateway never fails on it). */
export function safeDecode(text: string): string {
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * The query's pairs in order, keys and values percent-decoded. `+` stays `+` (API Gateway decodes
 * percent-escapes only *(unverified)*); a key without `=` has the value `""`; empty keys are dropped.
 */
export function queryPairs(rawQuery: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  if (rawQuery === '') return pairs;
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = safeDecode(eq === -1 ? part : part.slice(0, eq));
    if (key === '') continue;
    pairs.push([key, eq === -1 ? '' : safeDecode(part.slice(eq + 1))]);
  }
  return pairs;
}

/** `Cookie` header values split into `name=value` entries, duplicates and raw values kept (AWS payload 2.0 `cookies`). */
export function splitCookies(values: readonly string[]): string[] {
  const cookies: string[] = [];
  for (const value of values) {
    for (const part of value.split(';')) {
      const cookie = part.trim();
      if (cookie !== '') cookies.push(cookie);
    }
  }
  return cookies;
}

/** The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:127.0.0.1`), as API Gateway reports IPv4 clients. */
export function clientIp(address: string | undefined): string {
  if (!address) return '127.0.0.1';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  // A link-local peer carries its zone (`fe80::1%eth0`), which is not part of an IP address.
  return mapped ? mapped[1]! : address.replace(/%.*$/, '');
}

/**
 * A map for names that come from requests: no prototype, so a query key or header named
 * `constructor`, `toString` or `__proto__` is an ordinary entry. JSON serialises it as usual.
 */
export function requestMap<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** The media type without parameters, lower case (`Text/HTML; charset=x` → `text/html`); `''` when absent. */
export function mediaType(contentType: string | undefined): string {
  if (!contentType) return '';
  return contentType.split(';')[0]!.trim().toLowerCase();
}

/** The host name the client used, without the port (`localhost:3000` → `localhost`, `[::1]:3000` → `::1`). */
export function hostName(host: string | undefined): string | undefined {
  if (!host) return undefined;
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  const colon = host.lastIndexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}
