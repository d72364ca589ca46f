// The --env-vars file (SAM's JSON format, or dotenv) and each function's final variables; the host shell never leaks in.
import { emuError } from '../core/errors.js';
import type { FunctionSpec } from './types.js';

/** A parsed `--env-vars` file. */
export interface EnvVarsOverrides {
  /** Where it came from, for messages. */
  file: string;
  /** `Parameters`: variables for every function. */
  all: Record<string, string>;
  /** Other keys: variables for the function with that logical id, `SamResourceId` or `FunctionName`. */
  byFunction: Map<string, Record<string, string>>;
}

/**
 * Parses an `--env-vars` file. JSON: an object whose values are all objects of variables, keyed by
 * function or `Parameters` (SAM's format). Anything that is not JSON is read as dotenv
 * (`KEY=value` lines) and applies to every function, as SAM does.
 */
export function parseEnvVars(text: string, file: string): EnvVarsOverrides {
  const fail = (why: string): never => {
    throw emuError('EMU_TEMPLATE_BAD_ENV_VARS', file, why);
  };
  const result: EnvVarsOverrides = { file, all: {}, byFunction: new Map() };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    // Text that opens like JSON is broken JSON; reading it as dotenv would only hide the mistake.
    if (/^\s*[{[]/.test(text)) fail(`not valid JSON: ${(err as Error).message}`);
    result.all = parseDotenv(text, fail);
    return result;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return fail('must be a JSON object such as {"Parameters": {"KEY": "value"}, "MyFunction": {"KEY": "value"}}');
  }
  for (const [key, vars] of Object.entries(json)) {
    if (typeof vars !== 'object' || vars === null || Array.isArray(vars)) {
      fail(`"${key}" must be an object of variables (SAM's format: {"Parameters": {…}, "FunctionLogicalId": {…}})`);
    }
    const values: Record<string, string> = {};
    for (const [name, value] of Object.entries(vars as Record<string, unknown>)) {
      if (value !== null && typeof value === 'object') fail(`the value of ${key}.${name} must be a string, number or boolean`);
      values[name] = value === null ? '' : typeof value === 'boolean' ? (value ? 'true' : 'false') : String(value);
    }
    if (key === 'Parameters') result.all = values;
    else result.byFunction.set(key, values);
  }
  return result;
}

function parseDotenv(text: string, fail: (why: string) => never): Record<string, string> {
  const out: Record<string, string> = {};
  text.split(/\r?\n/).forEach((line, i) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(trimmed);
    if (!match) fail(`line ${i + 1} is neither JSON nor a dotenv KEY=value line`);
    let value = match![2]!;
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
      value = value.slice(1, -1).replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1');
    } else if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) {
      value = value.slice(1, -1);
    } else {
      value = value.replace(/\s+#.*$/, '');
    }
    out[match![1]!] = value;
  });
  if (Object.keys(out).length === 0) fail('holds no variables (expected JSON in SAM\'s format, or dotenv KEY=value lines)');
  return out;
}

/**
 * Sets each function's final variables: the template's (after Globals), then `Parameters`, then
 * the function's own entry (first found by logical id, `SamResourceId`, then `FunctionName`, as
 * SAM looks them up). Unlike SAM, a variable the template does not declare is added too: the file
 * is an explicit request (spec sam.md §5.2 target). Returns warnings for entries matching no function.
 */
export function applyEnvVars(
  functions: FunctionSpec[],
  overrides: EnvVarsOverrides,
  samResourceIds: ReadonlyMap<string, string> = new Map(),
): string[] {
  const used = new Set<string>();
  for (const fn of functions) {
    const keys = [fn.logicalId, samResourceIds.get(fn.logicalId), fn.functionName].filter((k): k is string => !!k);
    const key = keys.find((k) => Object.keys(overrides.byFunction.get(k) ?? {}).length > 0);
    for (const k of keys) if (overrides.byFunction.has(k)) used.add(k);
    fn.environment = { ...fn.environment, ...overrides.all, ...(key ? overrides.byFunction.get(key) : {}) };
  }
  const warnings: string[] = [];
  const names = functions.map((f) => f.logicalId).join(', ') || 'none';
  for (const key of overrides.byFunction.keys()) {
    if (!used.has(key)) {
      warnings.push(`${overrides.file}: "${key}" matches no function of the template (functions: ${names}); its variables are not used`);
    }
  }
  return warnings;
}
