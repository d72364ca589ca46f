// AWS::Serverless::Function and AWS::Lambda::Function resources (and their layers) → FunctionSpec, with Lambda's defaults and limits.
import path from 'node:path';
import { readHttpCors } from './cors.js';
import { isInside } from './paths.js';
import { attributeValue, type ResourceEntry } from './refs.js';
import { PropertyReader, describe, type ReaderContext } from './properties.js';
import type {
  Architecture, FunctionCode, FunctionSpec, FunctionUrlSpec, ImageBuild, ImageConfig, LayerSpec, LoggingSpec, PackageType,
} from './types.js';
import { Unresolved, isPlainMap, isRecord, type Value } from './values.js';

export const FUNCTION_TYPES = ['AWS::Serverless::Function', 'AWS::Lambda::Function'] as const;
export const LAYER_TYPES = ['AWS::Serverless::LayerVersion', 'AWS::Lambda::LayerVersion'] as const;

/** Lambda's defaults for properties a template leaves out. */
export const FUNCTION_DEFAULTS = { timeoutSeconds: 3, memorySizeMb: 128, ephemeralStorageMb: 512, architecture: 'x86_64' } as const;

/** A path the template names, to be checked on disk once the model is built (the only I/O after reading). */
export interface PathCheck {
  /** Absolute. */
  path: string;
  /** As written in the template, for the message. */
  written: string;
  /** `file:line:col: path` of the property. */
  at: string;
  /** `code`: a directory or a `.zip`/`.jar` archive; `any`: need not exist (only its real path must stay inside). */
  expect: 'directory' | 'file' | 'code' | 'any';
  /** Told what was found, when acceptable. */
  found?(kind: 'directory' | 'file'): void;
}

export interface FunctionContext extends ReaderContext {
  templateDir: string;
  /** Local paths must stay inside it (the git repository around the template, else its directory). */
  projectDir: string;
  checks: PathCheck[];
  layers: LayerIndex;
}

/** Local layers by logical id and by the ARN `!Ref` gives them, so that either form in `Layers` finds them. */
export interface LayerIndex {
  byId: Map<string, LayerSpec | Unresolved>;
  byArn: Map<string, LayerSpec>;
}

const S3_URI = /^s3:\/\//;

/**
 * The absolute path of a local path the template names (relative to `base`, default the template's
 * directory), or undefined, with EMU_TEMPLATE_PATH_OUTSIDE at `at`, when it lies outside the
 * project (the git repository around the template, else its directory). Symbolic links are followed
 * later, when the paths are checked on disk.
 */
function localPath(ctx: ReaderContext & { templateDir: string; projectDir: string }, written: string, at: string, base = ctx.templateDir): string | undefined {
  const abs = path.resolve(base, written);
  if (isInside(ctx.projectDir, abs)) return abs;
  ctx.diag.error('EMU_TEMPLATE_PATH_OUTSIDE', at, written, abs, ctx.projectDir);
  return undefined;
}

/** Reads the template's active layer resources; a layer whose content is not local is kept as its ARN. */
export function readLayerIndex(entries: ResourceEntry[], ctx: ReaderContext & { templateDir: string; projectDir: string; checks: PathCheck[] }): LayerIndex {
  const index: LayerIndex = { byId: new Map(), byArn: new Map() };
  for (const entry of entries) {
    const arn = attributeValue(entry, 'LayerVersionArn', ctx.resolver);
    const reader = new PropertyReader(ctx, entry.properties, `Resources.${entry.logicalId}.Properties`, entry);
    const key = entry.type === 'AWS::Serverless::LayerVersion' ? 'ContentUri' : 'Content';
    const content = reader.value(key);
    if (typeof arn !== 'string') continue;
    if (typeof content === 'string' && !S3_URI.test(content)) {
      const contentDir = localPath(ctx, content, reader.at(key));
      if (contentDir === undefined) continue;
      const spec: LayerSpec = { kind: 'local', logicalId: entry.logicalId, arn, contentDir };
      // A folder, or a .zip of the layer's content (unpacked at start-up, src/build/layers.ts).
      ctx.checks.push({ path: contentDir, written: content, at: reader.at(key), expect: 'code' });
      index.byId.set(entry.logicalId, spec);
      index.byArn.set(arn, spec);
    } else if (content === undefined) {
      reader.missing(key, `a layer needs its content (${key})`);
    } else {
      const shown = typeof content === 'string' ? `"${content}"` : content instanceof Unresolved ? content.reason : 'an S3 location';
      index.byId.set(entry.logicalId, new Unresolved(`the content of layer "${entry.logicalId}" (${shown}) is not local`));
    }
  }
  return index;
}

/** Reads one function; `undefined` when it cannot run locally (its code is in S3) or has errors. */
export function readFunction(entry: ResourceEntry, metadata: unknown, ctx: FunctionContext): FunctionSpec | undefined {
  const serverless = entry.type === 'AWS::Serverless::Function';
  const base = `Resources.${entry.logicalId}.Properties`;
  const props = new PropertyReader(ctx, entry.properties, base, entry);
  const errorsBefore = ctx.diag.errors.length;

  const packageType: PackageType = props.choice('PackageType', ['Zip', 'Image'] as const) ?? 'Zip';
  let functionName = entry.logicalId;
  const nameValue = props.value('FunctionName');
  if (nameValue instanceof Unresolved) props.unresolved(nameValue, ['FunctionName'], undefined, `the logical id "${entry.logicalId}" is used`);
  else if (typeof nameValue === 'string' && nameValue !== '') functionName = nameValue;

  const code = packageType === 'Image'
    ? readImageCode(entry, props, metadata, ctx)
    : readZipCode(entry, props, serverless, ctx);
  if (code === 'skip') return undefined;

  const spec: FunctionSpec = {
    logicalId: entry.logicalId,
    functionName,
    functionArn: attributeValue(entry, 'Arn', ctx.resolver) as string,
    resourceType: entry.type as FunctionSpec['resourceType'],
    packageType,
    code: code ?? { kind: 'directory', path: ctx.templateDir },
    timeoutSeconds: props.integer('Timeout', 1, 900) ?? FUNCTION_DEFAULTS.timeoutSeconds,
    memorySizeMb: props.integer('MemorySize', 128, 10240) ?? FUNCTION_DEFAULTS.memorySizeMb,
    ephemeralStorageMb: readEphemeralStorage(props),
    architecture: readArchitecture(props),
    environment: readEnvironment(props),
    layers: readFunctionLayers(entry, props, packageType, ctx),
  };
  if (packageType === 'Zip') {
    spec.runtime = props.string('Runtime', 'a Zip function needs a Runtime');
    spec.handler = props.string('Handler', 'a Zip function needs a Handler');
  } else {
    const imageConfig = readImageConfig(props);
    if (imageConfig) spec.imageConfig = imageConfig;
  }
  const reserved = props.integer('ReservedConcurrentExecutions', 0, 1_000_000);
  if (reserved !== undefined) spec.reservedConcurrentExecutions = reserved;
  const url = readFunctionUrl(props.nested('FunctionUrlConfig'), props.value('FunctionUrlConfig'));
  if (url) spec.functionUrl = url;
  const tracing = serverless ? props.string('Tracing') : stringIn(props.map('TracingConfig'), 'Mode');
  if (tracing && tracing !== 'Disabled') spec.tracing = tracing;
  const logging = readLogging(props);
  if (logging) spec.logging = logging;
  // sam build's esbuild method; other BuildMethods (makefile, npm) need sam build and run as written.
  if (packageType === 'Zip' && isRecord(metadata) && metadata.BuildMethod === 'esbuild') {
    spec.build = { method: 'esbuild', properties: isRecord(metadata.BuildProperties) ? metadata.BuildProperties : {} };
  }
  return ctx.diag.errors.length > errorsBefore ? undefined : spec;
}

function readZipCode(entry: ResourceEntry, props: PropertyReader, serverless: boolean, ctx: FunctionContext): FunctionCode | 'skip' | undefined {
  const inline = serverless ? props.value('InlineCode') : undefined;
  const key = serverless ? 'CodeUri' : 'Code';
  // InlineCode wins over CodeUri (often a Globals one), as in the SAM translator and SAM CLI.
  if (inline !== undefined) {
    if (typeof inline !== 'string') {
      if (inline instanceof Unresolved) props.unresolved(inline, ['InlineCode'], 'the function has no other code');
      else props.bad(['InlineCode'], `must be a string, not ${describe(inline)}`);
      return undefined;
    }
    return { kind: 'inline', source: inline };
  }
  const value = props.value(key);
  const skip = (what: string): 'skip' => {
    ctx.diag.warn(`${props.at(key)}: ${what}, which cannot be read locally; function "${entry.logicalId}" is left out`);
    return 'skip';
  };
  // Without code SAM CLI uses the template's directory ("."), and so do we.
  const written = value === undefined ? '.' : value;
  if (written instanceof Unresolved) {
    props.unresolved(written, [key], 'the function has no other code');
    return undefined;
  }
  if (typeof written === 'string') {
    if (S3_URI.test(written)) return skip(`${key} "${written}" is in S3`);
    const abs = localPath(ctx, written, props.at(key));
    if (abs === undefined) return undefined;
    const code: FunctionCode = { kind: 'directory', path: abs };
    ctx.checks.push({
      path: abs,
      written,
      at: props.at(key),
      expect: 'code',
      found: (kind) => {
        if (kind === 'file') Object.assign(code, { kind: 'archive' });
      },
    });
    return code;
  }
  if (isPlainMap(written)) {
    if (!serverless && typeof written.ZipFile === 'string') return { kind: 'inline', source: written.ZipFile };
    if (!serverless && written.ZipFile instanceof Unresolved) {
      props.unresolved(written.ZipFile, [key, 'ZipFile'], 'the function has no other code');
      return undefined;
    }
    const bucket = written.Bucket ?? written.S3Bucket;
    if (bucket !== undefined) return skip(`${key} is an S3 location${typeof bucket === 'string' ? ` (bucket "${bucket}")` : ''}`);
  }
  props.bad([key], `must be a local path${serverless ? ' or an S3 location' : ', ZipFile or an S3 location'}, not ${describe(written)}`);
  return undefined;
}

function readImageCode(entry: ResourceEntry, props: PropertyReader, metadata: unknown, ctx: FunctionContext): FunctionCode | undefined {
  let imageUri: string | undefined;
  if (entry.type === 'AWS::Serverless::Function') imageUri = props.string('ImageUri');
  else {
    const code = props.map('Code');
    const uri = code?.ImageUri;
    if (uri instanceof Unresolved) props.unresolved(uri, ['Code', 'ImageUri']);
    else if (typeof uri === 'string') imageUri = uri;
    // A top-level ImageUri is not CloudFormation's, but SAM CLI reads it for AWS::Lambda::Function too.
    else if (props.has('ImageUri')) imageUri = props.string('ImageUri');
  }
  const build = readImageBuild(entry, metadata, ctx, imageUri === undefined);
  if (build === 'outside') return undefined;
  if (!imageUri && !build) {
    props.missing(entry.type === 'AWS::Serverless::Function' ? 'ImageUri' : 'Code', 'an Image function needs ImageUri, or Metadata with DockerContext and Dockerfile to build it');
    return undefined;
  }
  const code: FunctionCode = { kind: 'image' };
  if (imageUri) code.imageUri = imageUri;
  if (build) code.build = build;
  return code;
}

/** sam build's Metadata keys for an Image function; `outside` when DockerContext or Dockerfile leaves the template's directory. */
function readImageBuild(entry: ResourceEntry, metadata: unknown, ctx: FunctionContext, checkPaths: boolean): ImageBuild | 'outside' | undefined {
  if (!isRecord(metadata)) return undefined;
  const reader = new PropertyReader(ctx, metadata, `Resources.${entry.logicalId}.Metadata`);
  if (!reader.has('DockerContext') && !reader.has('Dockerfile')) return undefined;
  const context = reader.string('DockerContext', 'an Image function built from a Dockerfile needs a DockerContext');
  const dockerfile = reader.string('Dockerfile') ?? 'Dockerfile';
  if (context === undefined) return undefined;
  const contextDir = localPath(ctx, context, reader.at('DockerContext'));
  if (contextDir === undefined) return 'outside';
  const dockerfilePath = localPath(ctx, dockerfile, reader.at('Dockerfile'), contextDir);
  if (dockerfilePath === undefined) return 'outside';
  // With an ImageUri as well, the paths need not exist, but a build would still read them: they must stay inside.
  ctx.checks.push({ path: contextDir, written: context, at: reader.at('DockerContext'), expect: checkPaths ? 'directory' : 'any' });
  ctx.checks.push({ path: dockerfilePath, written: dockerfile, at: reader.at('Dockerfile'), expect: checkPaths ? 'file' : 'any' });
  const build: ImageBuild = { contextDir, dockerfile, buildArgs: {} };
  const tag = reader.string('DockerTag');
  if (tag !== undefined) build.tag = tag;
  const target = reader.string('DockerBuildTarget');
  if (target !== undefined) build.target = target;
  const args = reader.map('DockerBuildArgs');
  for (const [name, value] of Object.entries(args ?? {})) {
    if (value instanceof Unresolved) reader.unresolved(value, ['DockerBuildArgs', name]);
    else if (value !== null && typeof value !== 'object') build.buildArgs[name] = String(value);
    else reader.bad(['DockerBuildArgs', name], `must be a string, not ${describe(value)}`);
  }
  return build;
}

function readImageConfig(props: PropertyReader): ImageConfig | undefined {
  const config = props.map('ImageConfig');
  if (!config) return undefined;
  const out: ImageConfig = {};
  for (const [key, field] of [['Command', 'command'], ['EntryPoint', 'entryPoint']] as const) {
    const value = config[key];
    if (value === undefined) continue;
    if (value instanceof Unresolved) props.unresolved(value, ['ImageConfig', key]);
    else if (typeof value === 'string') out[field] = [value];
    else {
      const list = props.stringListValue(value, ['ImageConfig', key]);
      if (list) out[field] = list;
    }
  }
  const dir = config.WorkingDirectory;
  if (dir instanceof Unresolved) props.unresolved(dir, ['ImageConfig', 'WorkingDirectory']);
  else if (typeof dir === 'string') out.workingDirectory = dir;
  return out;
}

function readEphemeralStorage(props: PropertyReader): number {
  const storage = props.map('EphemeralStorage');
  const size = storage?.Size;
  if (size === undefined) return FUNCTION_DEFAULTS.ephemeralStorageMb;
  if (size instanceof Unresolved) {
    props.unresolved(size, ['EphemeralStorage', 'Size']);
    return FUNCTION_DEFAULTS.ephemeralStorageMb;
  }
  return props.integerValue(size, ['EphemeralStorage', 'Size'], 512, 10240) ?? FUNCTION_DEFAULTS.ephemeralStorageMb;
}

function readArchitecture(props: PropertyReader): Architecture {
  const list = props.stringList('Architectures');
  if (!list) return FUNCTION_DEFAULTS.architecture;
  if (list.length !== 1 || (list[0] !== 'x86_64' && list[0] !== 'arm64')) {
    props.bad(['Architectures'], `must list exactly one of x86_64, arm64, not ${list.join(', ') || 'none'}`);
    return FUNCTION_DEFAULTS.architecture;
  }
  return list[0];
}

/**
 * `Environment.Variables` as Lambda passes them, strings only: numbers as written, booleans as
 * `true`/`false`, null as "". What cannot be resolved becomes "" with a warning, as SAM does silently.
 */
function readEnvironment(props: PropertyReader): Record<string, string> {
  // No prototype: a variable may be called `__proto__` or `constructor` like any other.
  const env = Object.create(null) as Record<string, string>;
  const environment = props.map('Environment');
  if (!environment) return env;
  const variables = environment.Variables;
  if (variables === undefined) return env;
  if (variables instanceof Unresolved) {
    props.unresolved(variables, ['Environment', 'Variables'], undefined, 'the function gets no variables from the template');
    return env;
  }
  if (!isPlainMap(variables)) {
    props.bad(['Environment', 'Variables'], `must be a map, not ${describe(variables)}`);
    return env;
  }
  for (const [name, value] of Object.entries(variables)) {
    env[name] = stringifyVariable(value, (why) => {
      if (why instanceof Unresolved) props.unresolved(why, ['Environment', 'Variables', name], undefined, 'the variable is set to ""');
      else props.bad(['Environment', 'Variables', name], `must be a string, not ${why}`);
    });
  }
  return env;
}

/** SAM's stringification of a variable value (`_stringify_value`); `onBad` hears of values that become "". */
function stringifyVariable(value: Value, onBad: (why: Unresolved | string) => void): string {
  if (value === null) return '';
  if (value instanceof Unresolved) {
    onBad(value);
    return '';
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'object') {
    onBad(describe(value));
    return '';
  }
  return String(value);
}

function readFunctionLayers(entry: ResourceEntry, props: PropertyReader, packageType: PackageType, ctx: FunctionContext): LayerSpec[] {
  const raw = entry.properties.Layers;
  if (raw === undefined) return [];
  if (packageType === 'Image') {
    ctx.diag.warn(`${props.at('Layers')}: an Image function cannot have layers (Lambda rejects them); ignored`);
    return [];
  }
  const layers: LayerSpec[] = [];
  // `!Ref Layer` is read from the raw list so that a local layer is found by its logical id.
  const items = Array.isArray(raw) ? raw : [];
  const resolved = props.value('Layers');
  const list = Array.isArray(resolved) ? resolved : [];
  if (!Array.isArray(resolved) && resolved !== undefined) {
    if (resolved instanceof Unresolved) props.unresolved(resolved, ['Layers']);
    else props.bad(['Layers'], `must be a list of layer ARNs, not ${describe(resolved)}`);
    return [];
  }
  list.forEach((item, i) => {
    const rawItem = items.length === list.length ? items[i] : undefined;
    const refId = isRecord(rawItem) && typeof rawItem.Ref === 'string' ? rawItem.Ref : undefined;
    const byId = refId !== undefined ? ctx.layers.byId.get(refId) : undefined;
    if (byId instanceof Unresolved) {
      props.unresolved(byId, ['Layers', i], undefined, 'the layer is not loaded');
      return;
    }
    if (byId) {
      layers.push(byId);
      return;
    }
    if (item instanceof Unresolved) {
      props.unresolved(item, ['Layers', i], undefined, 'the layer is not loaded');
      return;
    }
    if (typeof item !== 'string') {
      props.bad(['Layers', i], `must be a layer ARN, not ${describe(item)}`);
      return;
    }
    const local = ctx.layers.byArn.get(item);
    if (local) {
      layers.push(local);
      return;
    }
    // Provided from --layer / --layer-cache before a runner sees it, or named at start-up (src/build/layers.ts).
    layers.push({ kind: 'remote', arn: item, at: props.at('Layers', i) });
  });
  return layers;
}

/** `FunctionUrlConfig`, or an `AWS::Lambda::Url`'s properties; `reader` is positioned at that map. */
export function readFunctionUrl(reader: PropertyReader, value: Value | undefined): FunctionUrlSpec | undefined {
  if (value === undefined) return undefined;
  if (value instanceof Unresolved) {
    reader.unresolved(value, [], undefined, 'no function URL is served');
    return undefined;
  }
  if (!isPlainMap(value)) {
    reader.bad([], `must be a map with AuthType, not ${describe(value)}`);
    return undefined;
  }
  const authType = value.AuthType;
  if (authType !== 'NONE' && authType !== 'AWS_IAM') {
    reader.bad(['AuthType'], `must be NONE or AWS_IAM, not ${authType === undefined ? 'missing' : describe(authType)}`);
    return undefined;
  }
  const invokeMode = value.InvokeMode ?? 'BUFFERED';
  if (invokeMode !== 'BUFFERED' && invokeMode !== 'RESPONSE_STREAM') {
    reader.bad(['InvokeMode'], `must be BUFFERED or RESPONSE_STREAM, not ${describe(invokeMode)}`);
    return undefined;
  }
  const url: FunctionUrlSpec = { authType, invokeMode };
  const cors = readHttpCors(reader, 'Cors', value.Cors);
  if (cors) url.cors = cors;
  return url;
}

function readLogging(props: PropertyReader): LoggingSpec | undefined {
  const config = props.map('LoggingConfig');
  if (!config) return undefined;
  const out: LoggingSpec = {};
  const format = stringIn(config, 'LogFormat');
  if (format === 'Text' || format === 'JSON') out.logFormat = format;
  else if (format !== undefined) props.bad(['LoggingConfig', 'LogFormat'], `must be Text or JSON, not "${format}"`);
  const app = stringIn(config, 'ApplicationLogLevel');
  if (app) out.applicationLogLevel = app;
  const system = stringIn(config, 'SystemLogLevel');
  if (system) out.systemLogLevel = system;
  const group = stringIn(config, 'LogGroup');
  if (group) out.logGroup = group;
  return out;
}

function stringIn(map: Record<string, Value> | undefined, key: string): string | undefined {
  const value = map?.[key];
  return typeof value === 'string' ? value : undefined;
}

/** `AWS::Lambda::Url` resources aimed at a function of the template (by name or ARN) give it a URL. */
export function attachFunctionUrls(entries: ResourceEntry[], functions: FunctionSpec[], ctx: ReaderContext): void {
  for (const entry of entries) {
    const reader = new PropertyReader(ctx, entry.properties, `Resources.${entry.logicalId}.Properties`, entry);
    const target = reader.string('TargetFunctionArn', 'a function URL needs a TargetFunctionArn');
    if (target === undefined) continue;
    const fn = functions.find((f) => f.functionName === target || f.functionArn === target || target.startsWith(`${f.functionArn}:`));
    if (!fn) {
      ctx.diag.warn(`${reader.at('TargetFunctionArn')}: "${target}" is not a function of this template; no URL is served`);
      continue;
    }
    const config: Record<string, Value> = {};
    for (const key of ['AuthType', 'InvokeMode', 'Cors']) {
      const value = reader.value(key);
      if (value !== undefined) config[key] = value;
    }
    const url = readFunctionUrl(reader, config);
    if (url) fn.functionUrl = url;
  }
}
