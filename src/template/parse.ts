// Template text (YAML with CloudFormation's short-form tags, or JSON) → a plain JS tree in long form, with source positions.
import {
  LineCounter,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  type CollectionTag,
  type Document,
  type Node,
  type ScalarTag,
} from 'yaml';
import { Diagnostics, Positions, type Pos } from './diagnostics.js';

/** Each short-form tag and the long form it stands for (`!Ref X` is `{ Ref: X }`, `!Sub s` is `{ "Fn::Sub": s }`). */
export const SHORT_FORM_TAGS: Readonly<Record<string, string>> = {
  '!Ref': 'Ref',
  '!Condition': 'Condition',
  '!Sub': 'Fn::Sub',
  '!GetAtt': 'Fn::GetAtt',
  '!Join': 'Fn::Join',
  '!If': 'Fn::If',
  '!Equals': 'Fn::Equals',
  '!And': 'Fn::And',
  '!Or': 'Fn::Or',
  '!Not': 'Fn::Not',
  '!Select': 'Fn::Select',
  '!Split': 'Fn::Split',
  '!FindInMap': 'Fn::FindInMap',
  '!Base64': 'Fn::Base64',
  '!ImportValue': 'Fn::ImportValue',
  '!GetAZs': 'Fn::GetAZs',
  '!Cidr': 'Fn::Cidr',
  '!Transform': 'Fn::Transform',
  '!Length': 'Fn::Length',
  '!ToJsonString': 'Fn::ToJsonString',
};

/**
 * The tags as the `yaml` package's custom tags, each for scalars, sequences and maps (`!Sub` takes a
 * string or a list; `!Base64` may wrap a map). They keep the node as parsed: `toJs` below turns the
 * tag into the long form, so the node's position survives.
 */
export const CFN_CUSTOM_TAGS: (ScalarTag | CollectionTag)[] = Object.keys(SHORT_FORM_TAGS).flatMap((tag) => [
  { tag, resolve: (value: string) => value } satisfies ScalarTag,
  { tag, collection: 'seq', resolve: (node) => node } satisfies CollectionTag,
  { tag, collection: 'map', resolve: (node) => node } satisfies CollectionTag,
]);

/** A parsed template: the plain tree and where each value came from. */
export interface ParsedTemplate {
  root: unknown;
  positions: Positions;
}

/**
 * Parses template text. YAML and JSON go through the same YAML 1.2 parser (JSON is YAML), so both
 * keep positions; the first problem is reported through `diag` and `root` is then `undefined`.
 */
export function parseTemplateText(text: string, diag: Diagnostics): ParsedTemplate {
  const positions = new Positions();
  // Tabs are whitespace in JSON but not allowed as YAML indentation; inside JSON strings a raw tab
  // is invalid anyway, so swapping each for a space keeps meaning and columns.
  const source = /^\s*[{[]/.test(text) ? text.replace(/\t/g, ' ') : text;
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, {
    customTags: CFN_CUSTOM_TAGS,
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
  });
  const posAt = (offset: number): Pos => lineCounter.linePos(offset);
  const problem = doc.errors[0] ?? doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED');
  if (problem) {
    const message = problem.code === 'TAG_RESOLVE_FAILED'
      ? `unknown tag ${/!\S+/.exec(problem.message)?.[0] ?? ''}: CloudFormation has no such short form`
      : `not valid YAML or JSON: ${firstLine(problem.message)}`;
    diag.error('EMU_TEMPLATE_SYNTAX', diag.at(posAt(problem.pos[0]), ''), message);
    return { root: undefined, positions };
  }
  const converter = new Converter(doc, source, positions, posAt);
  try {
    return { root: doc.contents ? converter.toJs(doc.contents as Node) : null, positions };
  } catch (err) {
    if (!(err instanceof AliasBomb)) throw err;
    diag.error('EMU_TEMPLATE_SYNTAX', diag.at(posAt(err.offset), ''), `YAML aliases expand to more than ${MAX_ALIAS_VALUES} values; a template never needs that many`);
    return { root: undefined, positions };
  }
}

/** Values produced through aliases at most: nested aliases grow exponentially (a "billion laughs"). */
const MAX_ALIAS_VALUES = 100_000;

class AliasBomb extends Error {
  constructor(readonly offset: number) {
    super('alias expansion limit');
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '').trim();
}

class Converter {
  private readonly aliasDepth = new Set<Node>();
  private aliasValues = 0;

  constructor(
    private readonly doc: Document,
    private readonly source: string,
    private readonly positions: Positions,
    private readonly posAt: (offset: number) => Pos,
  ) {}

  toJs(node: Node): unknown {
    if (this.aliasDepth.size > 0 && ++this.aliasValues > MAX_ALIAS_VALUES) throw new AliasBomb(node.range?.[0] ?? 0);
    if (isAlias(node)) {
      const target = node.resolve(this.doc) as Node | undefined;
      if (!target || this.aliasDepth.has(target)) return null;
      this.aliasDepth.add(target);
      try {
        return this.toJs(target);
      } finally {
        this.aliasDepth.delete(target);
      }
    }
    const value = this.plain(node);
    const longForm = node.tag ? SHORT_FORM_TAGS[node.tag] : undefined;
    if (!longForm) return value;
    const intrinsic: Record<string, unknown> = { [longForm]: value };
    this.positions.set(intrinsic, this.tagPos(node));
    return intrinsic;
  }

  private plain(node: Node): unknown {
    if (isScalar(node)) return node.value;
    if (isSeq(node)) {
      const out: unknown[] = [];
      this.positions.set(out, this.startPos(node));
      node.items.forEach((item, i) => {
        out.push(this.toJs(item as Node));
        if (item) this.positions.setEntry(out, i, this.startPos(item as Node));
      });
      return out;
    }
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      this.positions.set(out, this.startPos(node));
      const merges: unknown[] = [];
      for (const pair of node.items) {
        const keyNode = pair.key as Node | null;
        const key = keyText(keyNode);
        const value = pair.value ? this.toJs(pair.value as Node) : null;
        // `<<` merge keys are YAML 1.1, which SAM's own loader reads; explicit keys win over merged ones.
        if (key === '<<' && isScalar(keyNode) && keyNode.type === 'PLAIN') {
          merges.push(value);
          continue;
        }
        define(out, key, value);
        this.positions.setEntry(out, key, keyNode ? this.startPos(keyNode) : this.startPos(node));
      }
      for (const merged of merges.flat()) {
        if (typeof merged !== 'object' || merged === null || Array.isArray(merged)) continue;
        for (const [k, v] of Object.entries(merged)) {
          if (Object.hasOwn(out, k)) continue;
          define(out, k, v);
          this.positions.copyEntry(merged, k, out, k);
        }
      }
      return out;
    }
    return null;
  }

  private startPos(node: Node): Pos {
    return this.posAt(node.range?.[0] ?? 0);
  }

  /** A tagged node's range starts after the tag; point at the tag itself (`!Ref`), which is what the user wrote. */
  private tagPos(node: Node): Pos {
    const start = node.range?.[0] ?? 0;
    const tagAt = node.tag ? this.source.lastIndexOf(node.tag, start) : -1;
    return this.posAt(tagAt >= 0 ? tagAt : start);
  }
}

function keyText(key: Node | null): string {
  if (key === null) return '';
  if (isScalar(key)) {
    // Plain number keys (`123456789012:` in Mappings) keep their written form.
    if (typeof key.source === 'string') return key.source;
    return String(key.value);
  }
  return String(key);
}

/** Sets a key without invoking `__proto__`'s setter. */
/** Sets an own property, also one named `__proto__` (plain assignment would change the prototype instead). */
export function define(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
