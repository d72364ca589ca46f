// CORS settings: HTTP API `CorsConfiguration` / function URL `Cors` (lists, booleans) and REST `Cors` (single-quoted strings).
import type { CorsSpec } from './types.js';
import { describe, type PropertyReader } from './properties.js';
import { Unresolved, isPlainMap, type Value } from './values.js';

const CORS_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', '*']);
const HTTP_KEYS = ['AllowOrigins', 'AllowMethods', 'AllowHeaders', 'ExposeHeaders', 'AllowCredentials', 'MaxAge'];
const REST_KEYS = ['AllowOrigin', 'AllowMethods', 'AllowHeaders', 'AllowCredentials', 'MaxAge'];

function emptyCors(): CorsSpec {
  return { allowOrigins: [], allowMethods: [], allowHeaders: [], exposeHeaders: [], allowCredentials: false };
}

/**
 * `CorsConfiguration` of an HTTP API or `FunctionUrlConfig.Cors`: `true` allows every origin (as SAM
 * translates it), a map is read key by key; unknown keys are errors, as in the SAM translator.
 */
export function readHttpCors(reader: PropertyReader, key: string, value: Value | undefined): CorsSpec | undefined {
  // `!Ref` of a parameter gives the string "true" / "false".
  if (value === undefined || value === false || value === 'false') return undefined;
  if (value === true || value === 'true') return { ...emptyCors(), allowOrigins: ['*'] };
  if (value instanceof Unresolved) {
    reader.unresolved(value, [key], undefined, 'CORS is off');
    return undefined;
  }
  if (!isPlainMap(value)) {
    reader.bad([key], 'must be true or a map of AllowOrigins, AllowMethods, AllowHeaders, ExposeHeaders, AllowCredentials, MaxAge');
    return undefined;
  }
  const cors = emptyCors();
  for (const [name, item] of Object.entries(value)) {
    if (!HTTP_KEYS.includes(name)) {
      reader.bad([key, name], `is not a CORS setting; the settings are ${HTTP_KEYS.join(', ')}`);
      continue;
    }
    if (item instanceof Unresolved) {
      reader.unresolved(item, [key, name]);
      continue;
    }
    if (name === 'AllowCredentials') {
      cors.allowCredentials = item === true || item === 'true';
    } else if (name === 'MaxAge') {
      const maxAge = reader.integerValue(item, [key, name], -1, 86400);
      if (maxAge !== undefined) cors.maxAgeSeconds = maxAge;
    } else {
      const list = reader.stringListValue(item, [key, name]);
      if (!list) continue;
      if (name === 'AllowOrigins') cors.allowOrigins = list;
      else if (name === 'AllowHeaders') cors.allowHeaders = list;
      else if (name === 'ExposeHeaders') cors.exposeHeaders = list;
      else cors.allowMethods = methods(reader, [key, name], list);
    }
  }
  return cors;
}

/**
 * REST `Cors`: a single-quoted origin string (`"'*'"`), or a map whose values are single-quoted
 * strings (the quotes are API Gateway header-mapping syntax; SAM rejects values without them).
 */
export function readRestCors(reader: PropertyReader, key: string, value: Value | undefined): CorsSpec | undefined {
  if (value === undefined) return undefined;
  if (value instanceof Unresolved) {
    reader.unresolved(value, [key], undefined, 'CORS is off');
    return undefined;
  }
  if (typeof value === 'string') {
    const origin = unquote(reader, [key], value);
    return origin === undefined ? undefined : { ...emptyCors(), allowOrigins: splitList(origin) };
  }
  if (!isPlainMap(value)) {
    reader.bad([key], `must be a quoted origin string such as "'*'" or a map of ${REST_KEYS.join(', ')}`);
    return undefined;
  }
  const cors = emptyCors();
  for (const [name, item] of Object.entries(value)) {
    if (!REST_KEYS.includes(name)) {
      reader.bad([key, name], `is not a CORS setting; the settings are ${REST_KEYS.join(', ')}`);
      continue;
    }
    if (item instanceof Unresolved) {
      reader.unresolved(item, [key, name]);
      continue;
    }
    if (name === 'AllowCredentials') {
      cors.allowCredentials = item === true || item === "'true'";
      continue;
    }
    if (name === 'MaxAge' && typeof item === 'number') {
      const maxAge = reader.integerValue(item, [key, name], -1, 86400);
      if (maxAge !== undefined) cors.maxAgeSeconds = maxAge;
      continue;
    }
    if (typeof item !== 'string') {
      // SAM CLI goes on as if such a setting were absent.
      reader.unresolved(new Unresolved(`${describe(item)} is not a quoted string`), [key, name]);
      continue;
    }
    const text = unquote(reader, [key, name], item);
    if (text === undefined) continue;
    if (name === 'AllowOrigin') cors.allowOrigins = splitList(text);
    else if (name === 'AllowHeaders') cors.allowHeaders = splitList(text);
    else if (name === 'AllowMethods') cors.allowMethods = methods(reader, [key, name], splitList(text));
    else {
      const maxAge = reader.integerValue(text, [key, name], -1, 86400);
      if (maxAge !== undefined) cors.maxAgeSeconds = maxAge;
    }
  }
  return cors;
}

function unquote(reader: PropertyReader, keys: string[], value: string): string | undefined {
  if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) return value.slice(1, -1);
  reader.bad(keys, `"${value}" must be a quoted string ("'${value}'" is correct, "${value}" is not)`);
  return undefined;
}

function splitList(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

function methods(reader: PropertyReader, keys: string[], list: string[]): string[] {
  const out: string[] = [];
  for (const method of list) {
    const upper = method.trim().toUpperCase();
    if (!CORS_METHODS.has(upper)) reader.bad(keys, `"${method}" is not an HTTP method`);
    else out.push(upper);
  }
  return out;
}
