// Template Parameters: the --parameter-overrides string, defaults, types and constraints → the value of each parameter.
import { emuError } from '../core/errors.js';
import { joinPath, type Diagnostics, type Positions } from './diagnostics.js';
import { Unresolved, isRecord } from './values.js';

/**
 * Parses the `--parameter-overrides` flag: `Key=Value Key2=Value2` or
 * `ParameterKey=Key,ParameterValue=Value …` (the two forms may be mixed). A value may be wrapped in
 * single or double quotes and may escape a space, quote or backslash with `\`, as SAM CLI accepts.
 */
export function parseParameterOverrides(input: string): Record<string, string> {
  const result: Record<string, string> = {};
  let i = 0;
  const n = input.length;
  const fail = (why: string): never => {
    throw emuError('EMU_TEMPLATE_BAD_OVERRIDES', `${why} in "${input}" (expected "Key=Value Key2=Value2" or "ParameterKey=Key,ParameterValue=Value")`);
  };
  const readValue = (): string => {
    let out = '';
    const quote = input[i];
    if (quote === '"' || quote === "'") {
      i++;
      while (i < n && input[i] !== quote) {
        if (input[i] === '\\' && i + 1 < n) i++;
        out += input[i++];
      }
      if (i >= n) fail(`unterminated ${quote} quote`);
      i++;
      return out;
    }
    while (i < n && !/\s/.test(input[i]!)) {
      if (input[i] === '\\' && i + 1 < n) i++;
      out += input[i++];
    }
    return out;
  };
  while (i < n) {
    if (/\s/.test(input[i]!)) {
      i++;
      continue;
    }
    const rest = input.slice(i);
    const longForm = /^ParameterKey=([A-Za-z0-9]+),ParameterValue=/.exec(rest);
    if (longForm) {
      i += longForm[0].length;
      result[longForm[1]!] = readValue();
    } else {
      const shortForm = /^([A-Za-z0-9]+)=/.exec(rest);
      if (!shortForm) fail(`cannot read "${rest.split(/\s/)[0]}"`);
      i += shortForm![0].length;
      result[shortForm![1]!] = readValue();
    }
    if (i < n && !/\s/.test(input[i]!)) fail(`unexpected "${input[i]}" after the value of ${Object.keys(result).at(-1)}`);
  }
  return result;
}

/** The value of a parameter: a string, a list (`CommaDelimitedList`, `List<…>`), or why there is none. */
export type ParameterValue = string | string[] | Unresolved;

const LIST_TYPE = /^(CommaDelimitedList|List<.+>)$/;
const SSM_TYPE = /^AWS::SSM::Parameter::Value<.+>$/;

/**
 * Works out each parameter's value: template `Default`, replaced by an override. Constraint
 * violations (`AllowedValues`, `AllowedPattern`, lengths, numeric bounds) are errors; an override
 * that names no parameter is a warning. A parameter with no value
 * resolves to an `Unresolved`, which is an error wherever it is used.
 */
export function resolveParameters(
  section: unknown,
  overrides: Record<string, string>,
  diag: Diagnostics,
  positions: Positions,
): Map<string, ParameterValue> {
  const values = new Map<string, ParameterValue>();
  const params = isRecord(section) ? section : {};
  for (const [name, def] of Object.entries(params)) {
    const path = joinPath('Parameters', name);
    const at = diag.at(positions.entry(params, name), path);
    // A parameter in error still exists: its Refs must not be reported as unknown too.
    const failed = new Unresolved(`parameter "${name}" is invalid`, 'error');
    if (!isRecord(def)) {
      diag.error('EMU_TEMPLATE_BAD_STRUCTURE', at, 'a parameter must be a map with a Type');
      values.set(name, failed);
      continue;
    }
    const type = typeof def.Type === 'string' ? def.Type : 'String';
    const fromOverride = Object.hasOwn(overrides, name);
    const raw = fromOverride ? overrides[name] : def.Default;
    if (raw === undefined || raw === null) {
      values.set(name, new Unresolved(`parameter "${name}" has no Default and no value in --parameter-overrides`, 'no-value'));
      continue;
    }
    const source = fromOverride ? ' (from --parameter-overrides)' : ' (its Default)';
    const scalar = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
    if (!(Array.isArray(raw) ? raw.every(scalar) : scalar(raw))) {
      diag.error('EMU_TEMPLATE_BAD_PARAMETER', at, `the value${source} must be a string or a number (a list for List types), not a map`);
      values.set(name, failed);
      continue;
    }
    const text = Array.isArray(raw) ? raw.map(String).join(',') : String(raw);
    if (SSM_TYPE.test(type) && !fromOverride) {
      values.set(name, new Unresolved(`parameter "${name}" reads SSM parameter "${text}", which is not available locally (pass its value in --parameter-overrides)`));
      continue;
    }
    const isList = LIST_TYPE.test(type);
    const items = isList ? text.split(',').map((s) => s.trim()) : [text];
    const problem = checkConstraints(type, items, def);
    if (problem) {
      diag.error('EMU_TEMPLATE_BAD_PARAMETER', at, `value "${text}"${source} ${problem}`);
      values.set(name, failed);
      continue;
    }
    values.set(name, isList ? items : text);
  }
  for (const name of Object.keys(overrides)) {
    if (!Object.hasOwn(params, name)) {
      // CloudFormation rejects this; SAM ignores it silently. A warning keeps shared override lists usable.
      diag.warn(`${diag.at(undefined, joinPath('Parameters', name))}: --parameter-overrides sets "${name}", which is not a parameter of this template; ignored`);
    }
  }
  return values;
}

function checkConstraints(type: string, items: string[], def: Record<string, unknown>): string | undefined {
  const numeric = type === 'Number' || type === 'List<Number>';
  for (const item of items) {
    if (numeric && (item.trim() === '' || !Number.isFinite(Number(item)))) return `is not a number, as Type ${type} requires`;
    if (Array.isArray(def.AllowedValues) && !def.AllowedValues.map((v) => JSON.stringify(v) ?? String(v)).includes(JSON.stringify(item))) {
      return `is not one of the AllowedValues: ${def.AllowedValues.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ')}`;
    }
    if (typeof def.AllowedPattern === 'string') {
      let pattern: RegExp;
      try {
        pattern = new RegExp(`^(?:${def.AllowedPattern})$`);
      } catch {
        return `cannot be checked: the AllowedPattern ${JSON.stringify(def.AllowedPattern)} is not a valid regular expression`;
      }
      if (!pattern.test(item)) return `does not match the AllowedPattern ${def.AllowedPattern}`;
    }
    if (def.MinLength !== undefined && item.length < Number(def.MinLength)) return `is shorter than the MinLength of ${def.MinLength}`;
    if (def.MaxLength !== undefined && item.length > Number(def.MaxLength)) return `is longer than the MaxLength of ${def.MaxLength}`;
    if (numeric && def.MinValue !== undefined && Number(item) < Number(def.MinValue)) return `is less than the MinValue of ${def.MinValue}`;
    if (numeric && def.MaxValue !== undefined && Number(item) > Number(def.MaxValue)) return `is more than the MaxValue of ${def.MaxValue}`;
  }
  return undefined;
}
