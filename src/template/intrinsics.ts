// The intrinsic-function resolver: Ref, Fn::Sub, Fn::GetAtt, Fn::If and the rest, plus Conditions, over the long-form tree.
import { define } from './parse.js';
import { joinPath, type Diagnostics, type Positions } from './diagnostics.js';
import type { ParameterValue } from './parameters.js';
import { attributeValue, refValue, type RefEnv, type ResourceEntry } from './refs.js';
import { NO_VALUE, Unresolved, findUnresolved, isPlainMap, type NoValue, type Value } from './values.js';

/** Everything the resolver reads. `resources` includes the ones SAM generates. */
export interface ResolverContext {
  diag: Diagnostics;
  positions: Positions;
  pseudo: ReadonlyMap<string, string>;
  parameters: ReadonlyMap<string, ParameterValue>;
  mappings: Record<string, unknown>;
  conditions: Record<string, unknown>;
  resources: ReadonlyMap<string, ResourceEntry>;
  partition: string;
  region: string;
  accountId: string;
  urlSuffix: string;
}

/** `Ref` and every `Fn::` key is an intrinsic when it is the only key of its map. */
export function intrinsicName(node: unknown): string | undefined {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
  const keys = Object.keys(node);
  if (keys.length !== 1) return undefined;
  const key = keys[0]!;
  return key === 'Ref' || key.startsWith('Fn::') ? key : undefined;
}

/** Splits `${…}` placeholders of an `Fn::Sub` template; `${!Literal}` is text (`${Literal}`). */
export function subPlaceholders(template: string): { literal: boolean; name: string }[] {
  return [...template.matchAll(/\$\{([^}]*)\}/g)].map((match) => {
    const inner = match[1]!;
    return { literal: inner.startsWith('!'), name: inner.startsWith('!') ? inner.slice(1) : inner.trim() };
  });
}

const AZ_LETTERS = ['a', 'b', 'c'];

/**
 * Resolves intrinsics lazily: callers resolve only the properties they consume, so a deploy-only
 * value in a property the emulator never reads costs nothing and warns about nothing.
 */
export class Resolver implements RefEnv {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly urlSuffix: string;
  private readonly conditionMemo = new Map<string, boolean | Unresolved>();
  private readonly conditionStack: string[] = [];
  private readonly propertyMemo = new Map<string, Value | NoValue>();
  private readonly propertyStack: string[] = [];

  constructor(private readonly ctx: ResolverContext) {
    this.partition = ctx.partition;
    this.region = ctx.region;
    this.accountId = ctx.accountId;
    this.urlSuffix = ctx.urlSuffix;
  }

  /** Resolves a subtree; `path` names it in messages (`Resources.Fn.Properties.Environment`). */
  resolve(node: unknown, path: string): Value | NoValue {
    if (node === undefined) return null;
    if (node === null || typeof node !== 'object') return node as Value;
    if (Array.isArray(node)) {
      const out: Value[] = [];
      node.forEach((item, i) => {
        const value = this.resolve(item, joinPath(path, i));
        if (value !== NO_VALUE) out.push(value);
      });
      return out;
    }
    const fn = intrinsicName(node);
    if (fn) return this.intrinsic(fn, (node as Record<string, unknown>)[fn], node, path);
    const out: { [key: string]: Value } = {};
    for (const [key, item] of Object.entries(node)) {
      const value = this.resolve(item, joinPath(path, key));
      if (value !== NO_VALUE) define(out, key, value);
    }
    return out;
  }

  /** Resolves an argument of an intrinsic, where `AWS::NoValue` means nothing (null). */
  private plain(node: unknown, path: string): Value {
    const value = this.resolve(node, path);
    return value === NO_VALUE ? null : value;
  }

  /** A property of a resource, resolved once; re-entering one being resolved is a cycle. */
  resolveProperty(entry: ResourceEntry, key: string): Value | NoValue {
    const path = `Resources.${entry.logicalId}.Properties.${key}`;
    const memo = this.propertyMemo.get(path);
    if (memo !== undefined) return memo;
    if (this.propertyStack.includes(path)) {
      const chain = [...this.propertyStack.slice(this.propertyStack.indexOf(path)), path].join(' -> ');
      const at = this.ctx.diag.at(this.ctx.positions.entry(entry.properties, key), path);
      this.ctx.diag.error('EMU_TEMPLATE_CYCLE', at, chain);
      return new Unresolved('it is part of a circular reference', 'error');
    }
    this.propertyStack.push(path);
    try {
      const value = this.resolve(entry.properties[key], path);
      this.propertyMemo.set(path, value);
      return value;
    } finally {
      this.propertyStack.pop();
    }
  }

  name(entry: ResourceEntry, property: string): string {
    if (entry.properties[property] === undefined) return entry.logicalId;
    const value = this.resolveProperty(entry, property);
    return typeof value === 'string' && value !== '' ? value : entry.logicalId;
  }

  property(entry: ResourceEntry, property: string): Value {
    const value = this.resolveProperty(entry, property);
    return value === NO_VALUE ? null : value;
  }

  /** True when the resource has no `Condition` or its condition holds. */
  isActive(entry: ResourceEntry): boolean {
    return entry.condition === undefined || this.condition(entry.condition) === true;
  }

  /** Evaluates a named condition once; a condition that depends on itself is an error. */
  condition(name: string): boolean | Unresolved {
    const memo = this.conditionMemo.get(name);
    if (memo !== undefined) return memo;
    const path = `Conditions.${name}`;
    if (this.conditionStack.includes(name)) {
      const chain = [...this.conditionStack.slice(this.conditionStack.indexOf(name)), name].join(' -> ');
      const at = this.ctx.diag.at(this.ctx.positions.entry(this.ctx.conditions, name), path);
      this.ctx.diag.error('EMU_TEMPLATE_CYCLE', at, `conditions ${chain}`);
      return new Unresolved('it is part of a circular reference', 'error');
    }
    if (!Object.hasOwn(this.ctx.conditions, name)) {
      return new Unresolved(`condition "${name}" does not exist`, 'error');
    }
    this.conditionStack.push(name);
    let result: boolean | Unresolved;
    try {
      result = this.conditionValue(this.ctx.conditions[name], path);
    } finally {
      this.conditionStack.pop();
    }
    if (result instanceof Unresolved && result.kind !== 'error') {
      const at = this.ctx.diag.at(this.ctx.positions.entry(this.ctx.conditions, name), path);
      this.ctx.diag.error('EMU_TEMPLATE_UNRESOLVED', at, result.reason, 'the condition cannot be evaluated');
      result = new Unresolved(result.reason, 'error');
    }
    this.conditionMemo.set(name, result);
    return result;
  }

  private conditionValue(node: unknown, path: string): boolean | Unresolved {
    if (typeof node === 'boolean') return node;
    if (node === 'true' || node === 'false') return node === 'true';
    const fn = typeof node === 'object' && node !== null && !Array.isArray(node) && Object.keys(node).length === 1
      ? Object.keys(node)[0]!
      : undefined;
    const arg = fn ? (node as Record<string, unknown>)[fn] : undefined;
    const bad = (why: string) => this.fail(node, path, why);
    switch (fn) {
      case 'Condition':
        if (typeof arg !== 'string') return bad('Condition expects a condition name');
        return this.condition(arg);
      case 'Fn::Equals': {
        if (!Array.isArray(arg) || arg.length !== 2) return bad('Fn::Equals expects a list of two values');
        const a = this.plain(arg[0], path);
        const b = this.plain(arg[1], path);
        if (a instanceof Unresolved) return a;
        if (b instanceof Unresolved) return b;
        return canonical(a) === canonical(b);
      }
      case 'Fn::And':
      case 'Fn::Or': {
        if (!Array.isArray(arg) || arg.length < 2 || arg.length > 10) return bad(`${fn} expects a list of 2 to 10 conditions`);
        const results = arg.map((c, i) => this.conditionValue(c, joinPath(path, i)));
        const unresolved = results.find((r) => r instanceof Unresolved);
        if (unresolved) return unresolved;
        return fn === 'Fn::And' ? results.every((r) => r === true) : results.some((r) => r === true);
      }
      case 'Fn::Not': {
        if (!Array.isArray(arg) || arg.length !== 1) return bad('Fn::Not expects a list of one condition');
        const inner = this.conditionValue(arg[0], joinPath(path, 0));
        return inner instanceof Unresolved ? inner : !inner;
      }
      default:
        return bad('a condition must be Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition');
    }
  }

  private fail(node: unknown, path: string, message: string): Unresolved {
    this.ctx.diag.error('EMU_TEMPLATE_BAD_INTRINSIC', this.ctx.diag.at(this.ctx.positions.of(node), path), message);
    return new Unresolved(message, 'error');
  }

  private intrinsic(fn: string, arg: unknown, node: object, path: string): Value | NoValue {
    switch (fn) {
      case 'Ref':
        if (typeof arg !== 'string') return this.fail(node, path, 'Ref expects the name of a parameter or resource');
        return this.ref(arg, node, path);
      case 'Fn::GetAtt':
        return this.getAtt(arg, node, path);
      case 'Fn::Sub':
        return this.sub(arg, node, path);
      case 'Fn::Join': {
        if (!Array.isArray(arg) || arg.length !== 2) return this.fail(node, path, 'Fn::Join expects [delimiter, [values]]');
        const delimiter = this.plain(arg[0], path);
        const list = this.plain(arg[1], path);
        if (delimiter instanceof Unresolved) return delimiter;
        if (list instanceof Unresolved) return list;
        if (typeof delimiter !== 'string') return this.fail(node, path, 'Fn::Join expects a string delimiter');
        if (!Array.isArray(list)) return this.fail(node, path, 'Fn::Join expects a list of values to join');
        const parts: string[] = [];
        for (const item of list) {
          if (item instanceof Unresolved) return item;
          if (item !== null && typeof item === 'object') return this.fail(node, path, 'Fn::Join can only join strings');
          parts.push(scalarText(item));
        }
        return parts.join(delimiter);
      }
      case 'Fn::Select': {
        if (!Array.isArray(arg) || arg.length !== 2) return this.fail(node, path, 'Fn::Select expects [index, [values]]');
        const index = this.plain(arg[0], path);
        const list = this.plain(arg[1], path);
        if (index instanceof Unresolved) return index;
        if (list instanceof Unresolved) return list;
        const i = Number(index);
        if (!Array.isArray(list)) return this.fail(node, path, 'Fn::Select expects a list to select from');
        if (!Number.isInteger(i) || i < 0 || i >= list.length) {
          return this.fail(node, path, `Fn::Select index ${String(index)} is out of range for a list of ${list.length}`);
        }
        return list[i]!;
      }
      case 'Fn::Split': {
        if (!Array.isArray(arg) || arg.length !== 2) return this.fail(node, path, 'Fn::Split expects [delimiter, string]');
        const delimiter = this.plain(arg[0], path);
        const source = this.plain(arg[1], path);
        if (delimiter instanceof Unresolved) return delimiter;
        if (source instanceof Unresolved) return source;
        if (typeof delimiter !== 'string' || typeof source !== 'string') return this.fail(node, path, 'Fn::Split expects a string delimiter and a string');
        return source.split(delimiter);
      }
      case 'Fn::FindInMap':
        return this.findInMap(arg, node, path);
      case 'Fn::Base64': {
        const value = this.plain(arg, path);
        if (value instanceof Unresolved) return value;
        if (typeof value !== 'string') return this.fail(node, path, 'Fn::Base64 expects a string');
        return Buffer.from(value, 'utf8').toString('base64');
      }
      case 'Fn::If': {
        if (!Array.isArray(arg) || arg.length !== 3 || typeof arg[0] !== 'string') {
          return this.fail(node, path, 'Fn::If expects [condition name, value if true, value if false]');
        }
        const holds = this.condition(arg[0]);
        if (holds instanceof Unresolved) return holds;
        return this.resolve(holds ? arg[1] : arg[2], path);
      }
      case 'Fn::Equals':
      case 'Fn::And':
      case 'Fn::Or':
      case 'Fn::Not':
        return this.conditionValue(node, path);
      case 'Fn::ImportValue': {
        const name = this.plain(arg, path);
        const shown = typeof name === 'string' ? `Fn::ImportValue "${name}"` : 'Fn::ImportValue';
        return new Unresolved(`${shown} cannot be resolved locally (exports of other stacks are not available)`);
      }
      case 'Fn::GetAZs': {
        const region = this.plain(arg, path);
        if (region instanceof Unresolved) return region;
        const r = typeof region === 'string' && region !== '' ? region : this.region;
        // Which zones exist differs per account; three lettered zones is a stand-in.
        return AZ_LETTERS.map((letter) => `${r}${letter}`);
      }
      case 'Fn::Cidr':
        return this.cidr(arg, node, path);
      case 'Fn::Length': {
        const list = this.plain(arg, path);
        if (list instanceof Unresolved) return list;
        if (!Array.isArray(list)) return this.fail(node, path, 'Fn::Length expects a list');
        return list.length;
      }
      case 'Fn::ToJsonString': {
        const value = this.resolve(arg, path);
        if (value === NO_VALUE) return '{}';
        const unresolved = findUnresolved(value);
        if (unresolved) return unresolved;
        return JSON.stringify(value);
      }
      case 'Fn::Transform':
        return new Unresolved('Fn::Transform (macros) cannot be resolved locally');
      default:
        return this.fail(node, path, `${fn} is not an intrinsic function`);
    }
  }

  private ref(name: string, node: unknown, path: string, via = 'Ref'): Value | NoValue {
    if (name === 'AWS::NoValue') return NO_VALUE;
    const pseudo = this.ctx.pseudo.get(name);
    if (pseudo !== undefined) return pseudo;
    if (name === 'AWS::NotificationARNs') return [];
    const parameter = this.ctx.parameters.get(name);
    if (parameter !== undefined) return Array.isArray(parameter) ? [...parameter] : parameter;
    const entry = this.ctx.resources.get(name);
    if (entry) {
      const inactive = this.inactive(entry);
      return inactive ?? refValue(entry, this);
    }
    // SAM's `!Ref Fn.Alias` / `Fn.Version` and `!Ref Api.Stage` / `Api.Deployment` forms.
    const dot = name.indexOf('.');
    const owner = dot > 0 ? this.ctx.resources.get(name.slice(0, dot)) : undefined;
    const suffix = name.slice(dot + 1);
    if (owner?.type === 'AWS::Serverless::Function') {
      const alias = this.property(owner, 'AutoPublishAlias');
      if (suffix === 'Alias' && typeof alias === 'string') {
        return `${attributeValue(owner, 'Arn', this) as string}:${alias}`;
      }
      return new Unresolved(`"${name}" (a published version or alias) is known only after deployment`);
    }
    if (owner?.type === 'AWS::Serverless::Api' || owner?.type === 'AWS::Serverless::HttpApi') {
      if (suffix === 'Stage') {
        const stage = this.property(owner, 'StageName');
        if (typeof stage === 'string') return stage;
        return owner.type === 'AWS::Serverless::Api' ? 'Prod' : '$default';
      }
      return new Unresolved(`"${name}" is known only after deployment`);
    }
    this.ctx.diag.error('EMU_TEMPLATE_UNKNOWN_REFERENCE', this.ctx.diag.at(this.ctx.positions.of(node), path), via, name, 'a parameter, resource or pseudo parameter');
    return new Unresolved(`"${name}" does not exist`, 'error');
  }

  private getAtt(arg: unknown, node: unknown, path: string): Value {
    let target: unknown;
    let attribute: unknown;
    if (typeof arg === 'string') {
      const dot = arg.indexOf('.');
      if (dot <= 0) return this.fail(node, path, 'Fn::GetAtt expects "Resource.Attribute" or [Resource, Attribute]');
      [target, attribute] = [arg.slice(0, dot), arg.slice(dot + 1)];
    } else if (Array.isArray(arg) && arg.length === 2) {
      target = arg[0];
      attribute = this.plain(arg[1], path);
      if (attribute instanceof Unresolved) return attribute;
    }
    if (typeof target !== 'string' || typeof attribute !== 'string' || attribute === '') {
      return this.fail(node, path, 'Fn::GetAtt expects "Resource.Attribute" or [Resource, Attribute]');
    }
    return this.attribute(target, attribute, node, path);
  }

  private attribute(target: string, attribute: string, node: unknown, path: string, via = 'Fn::GetAtt'): Value {
    const entry = this.ctx.resources.get(target);
    if (!entry) {
      this.ctx.diag.error('EMU_TEMPLATE_UNKNOWN_REFERENCE', this.ctx.diag.at(this.ctx.positions.of(node), path), via, target, 'a resource');
      return new Unresolved(`"${target}" does not exist`, 'error');
    }
    return this.inactive(entry) ?? attributeValue(entry, attribute, this);
  }

  /** A resource left out by its condition cannot be referred to (CloudFormation fails the deploy). */
  private inactive(entry: ResourceEntry): Unresolved | undefined {
    if (this.isActive(entry)) return undefined;
    const owner = entry.generatedBy ? ` (generated for "${entry.generatedBy}")` : '';
    return new Unresolved(`resource "${entry.logicalId}"${owner} is left out because condition "${entry.condition}" is false`);
  }

  private sub(arg: unknown, node: unknown, path: string): Value {
    let template: unknown = arg;
    let variables: Record<string, unknown> = {};
    if (Array.isArray(arg)) {
      if (arg.length !== 2 || !isPlainMap(arg[1])) return this.fail(node, path, 'Fn::Sub expects a string or [string, {variables}]');
      template = arg[0];
      variables = arg[1] as Record<string, unknown>;
    }
    if (typeof template !== 'string') return this.fail(node, path, 'Fn::Sub expects a string or [string, {variables}]');
    let out = '';
    let last = 0;
    for (const match of template.matchAll(/\$\{([^}]*)\}/g)) {
      out += template.slice(last, match.index);
      last = match.index + match[0].length;
      const inner = match[1]!;
      if (inner.startsWith('!')) {
        out += `\${${inner.slice(1)}}`;
        continue;
      }
      const name = inner.trim();
      let value: Value | NoValue;
      if (Object.hasOwn(variables, name)) value = this.plain(variables[name], joinPath(path, name));
      else if (name.includes('.') && !name.startsWith('AWS::')) {
        const dot = name.indexOf('.');
        value = this.attribute(name.slice(0, dot), name.slice(dot + 1), node, path, 'Fn::Sub');
      } else value = this.ref(name, node, path, 'Fn::Sub');
      if (value instanceof Unresolved) return value;
      if (value === NO_VALUE) continue;
      if (value !== null && typeof value === 'object') {
        return this.fail(node, path, `Fn::Sub variable \${${name}} is a list, not a string`);
      }
      out += scalarText(value);
    }
    return out + template.slice(last);
  }

  private findInMap(arg: unknown, node: unknown, path: string): Value {
    if (!Array.isArray(arg) || arg.length < 3 || arg.length > 4) {
      return this.fail(node, path, 'Fn::FindInMap expects [MapName, TopLevelKey, SecondLevelKey]');
    }
    const keys: string[] = [];
    for (const part of arg.slice(0, 3)) {
      const value = this.plain(part, path);
      if (value instanceof Unresolved) return value;
      if (value === null || typeof value === 'object') return this.fail(node, path, 'Fn::FindInMap keys must be strings');
      keys.push(scalarText(value));
    }
    const [mapName, top, second] = keys as [string, string, string];
    const map = this.ctx.mappings[mapName];
    const level = isPlainMap(map) ? (map as Record<string, unknown>)[top] : undefined;
    const found = isPlainMap(level) ? (level as Record<string, unknown>)[second] : undefined;
    if (found !== undefined) return this.plain(found, path);
    // AWS::LanguageExtensions' fourth argument: { DefaultValue: … }.
    const fallback = arg[3];
    if (isPlainMap(fallback) && Object.hasOwn(fallback, 'DefaultValue')) {
      return this.plain((fallback as Record<string, unknown>).DefaultValue, path);
    }
    const missing = map === undefined
      ? `Mappings has no map "${mapName}"`
      : level === undefined ? `Mappings.${mapName} has no key "${top}"` : `Mappings.${mapName}.${top} has no key "${second}"`;
    return this.fail(node, path, `Fn::FindInMap: ${missing}`);
  }

  private cidr(arg: unknown, node: unknown, path: string): Value {
    if (!Array.isArray(arg) || arg.length !== 3) return this.fail(node, path, 'Fn::Cidr expects [ipBlock, count, cidrBits]');
    const parts = arg.map((part) => this.plain(part, path));
    const unresolved = parts.find((p) => p instanceof Unresolved);
    if (unresolved) return unresolved as Unresolved;
    const [block, countValue, bitsValue] = parts;
    const count = Number(countValue);
    const bits = Number(bitsValue);
    const match = typeof block === 'string' ? /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(block) : null;
    if (!match) {
      if (typeof block === 'string' && block.includes(':')) return new Unresolved('Fn::Cidr over an IPv6 block is not computed locally');
      return this.fail(node, path, 'Fn::Cidr expects an IPv4 CIDR block such as "10.0.0.0/16"');
    }
    const octets = match.slice(1, 5).map(Number);
    const prefix = Number(match[5]);
    const newPrefix = 32 - bits;
    if (octets.some((o) => o > 255) || prefix > 32 || !Number.isInteger(count) || count < 1 || count > 256
      || !Number.isInteger(bits) || bits < 1 || newPrefix < prefix || count > 2 ** (newPrefix - prefix)) {
      return this.fail(node, path, `Fn::Cidr cannot cut ${count} subnets of ${bits} bits from ${String(block)}`);
    }
    const base = octets.reduce((acc, o) => acc * 256 + o, 0);
    const start = base - (base % 2 ** (32 - prefix));
    const out: string[] = [];
    for (let i = 0; i < count; i++) {
      let n = start + i * 2 ** bits;
      const bytes: number[] = [];
      for (let b = 0; b < 4; b++) {
        bytes.unshift(n % 256);
        n = Math.floor(n / 256);
      }
      out.push(`${bytes.join('.')}/${newPrefix}`);
    }
    return out;
  }
}

function scalarText(value: Value): string {
  if (value === null) return '';
  return String(value);
}

function canonical(value: Value): string {
  return value !== null && typeof value === 'object' ? JSON.stringify(value) : scalarText(value);
}
