// Reading a template end to end: file → parse → parameters, Globals, conditions, references → functions, APIs, routes, env vars → checked model.
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { emuError } from '../core/errors.js';
import { Diagnostics, joinPath, type Positions } from './diagnostics.js';
import { applyEnvVars, parseEnvVars, type EnvVarsOverrides } from './env-vars.js';
import { FUNCTION_TYPES, LAYER_TYPES, attachFunctionUrls, readFunction, readLayerIndex, type PathCheck } from './functions.js';
import { mergeGlobals, readGlobals } from './globals.js';
import { Resolver } from './intrinsics.js';
import { parseParameterOverrides, resolveParameters } from './parameters.js';
import { parseTemplateText } from './parse.js';
import { isInside } from './paths.js';
import { checkReferences } from './references.js';
import { partitionOf, urlSuffixOf, type ResourceEntry } from './refs.js';
import { NOT_READ, readResources } from './resources.js';
import { CFN_API_TYPES, readCfnApis } from './cfn-apis.js';
import { API_TYPES, readApisAndRoutes } from './routes.js';
import { apiKeyValue } from './auth.js';
import { PropertyReader } from './properties.js';
import { reportUnsupported } from './unsupported.js';
import type { FunctionSpec, ReadTemplateOptions, TemplateModel } from './types.js';
import { isRecord } from './values.js';

/** SAM's defaults for the pseudo parameters (spec sam.md §3.3), with AWS's URL suffix. */
export const PSEUDO_DEFAULTS = { region: 'us-east-1', accountId: '123456789012', stackName: 'local' } as const;

/** Options of the pure parse: the file's text is given, nothing is read. */
export interface ParseTemplateOptions extends Omit<ReadTemplateOptions, 'envVarsFile'> {
  /** The template's path, for messages and to resolve relative `CodeUri`s. */
  templatePath: string;
  /** An already parsed `--env-vars` file. */
  envVars?: EnvVarsOverrides;
}

type PathKind = 'directory' | 'file' | 'missing';

/** What is on disk at a checked path: its kind, and its real path (symbolic links followed) when it exists. */
interface Found {
  kind: PathKind;
  real?: string;
}

/** The model before the paths it names are checked. */
interface Prepared {
  model: TemplateModel;
  diag: Diagnostics;
  checks: PathCheck[];
}

/**
 * Reads and resolves a template. Errors (with file, line, column, resource and property) are
 * collected and thrown together as one `EmulatorError`; what only AWS could resolve becomes a
 * warning in `model.warnings`.
 */
export async function readTemplate(templatePath: string, options: ReadTemplateOptions = {}): Promise<TemplateModel> {
  const text = await readText(templatePath, () => readFile(templatePath, 'utf8'));
  const envVars = options.envVarsFile === undefined
    ? undefined
    : parseEnvVars(await readText(options.envVarsFile, () => readFile(options.envVarsFile!, 'utf8'), true), options.envVarsFile);
  const projectDir = options.projectDir ?? projectRoot(path.dirname(path.resolve(templatePath)));
  const prepared = prepare(text, { ...options, templatePath, projectDir, ...(envVars ? { envVars } : {}) });
  const found = await Promise.all(prepared.checks.map(async (c): Promise<Found> => {
    try {
      const real = await realpath(c.path);
      return { kind: kindOf(await stat(real)), real };
    } catch {
      return { kind: 'missing' };
    }
  }));
  const realDir = await realpath(projectDir).catch(() => projectDir);
  return finish(prepared, found, realDir, projectDir);
}

/** `readTemplate` without promises, for callers that cannot wait (a config loader, say). */
export function readTemplateSync(templatePath: string, options: ReadTemplateOptions = {}): TemplateModel {
  const text = readTextSync(templatePath);
  const envVars = options.envVarsFile === undefined ? undefined : parseEnvVars(readTextSync(options.envVarsFile, true), options.envVarsFile);
  const projectDir = options.projectDir ?? projectRoot(path.dirname(path.resolve(templatePath)));
  const prepared = prepare(text, { ...options, templatePath, projectDir, ...(envVars ? { envVars } : {}) });
  const found = prepared.checks.map((c): Found => {
    try {
      const real = realpathSync(c.path);
      return { kind: kindOf(statSync(real)), real };
    } catch {
      return { kind: 'missing' };
    }
  });
  let realDir = projectDir;
  try {
    realDir = realpathSync(realDir);
  } catch {
    // An unreadable project directory: its paths are compared as written.
  }
  return finish(prepared, found, realDir, projectDir);
}

/**
 * Resolves template text without touching the disk: `CodeUri` and the other paths are made
 * absolute but not checked. For tests and tools that hold the text already.
 */
export function parseTemplate(text: string, options: ParseTemplateOptions): TemplateModel {
  const prepared = prepare(text, options);
  return finish(prepared, prepared.checks.map((c) => ({ kind: c.expect === 'file' ? 'file' : 'directory' })));
}

function kindOf(stats: { isDirectory(): boolean }): PathKind {
  return stats.isDirectory() ? 'directory' : 'file';
}

async function readText(file: string, read: () => Promise<string>, envVars = false): Promise<string> {
  try {
    return await read();
  } catch (err) {
    throw readError(file, err, envVars);
  }
}

function readTextSync(file: string, envVars = false): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw readError(file, err, envVars);
  }
}

function readError(file: string, err: unknown, envVars: boolean) {
  const code = (err as NodeJS.ErrnoException).code;
  if (envVars) return emuError('EMU_TEMPLATE_BAD_ENV_VARS', file, code === 'ENOENT' ? 'the file does not exist' : (err as Error).message);
  if (code === 'ENOENT') return emuError('EMU_TEMPLATE_NOT_FOUND', file);
  return emuError('EMU_TEMPLATE_READ_FAILED', file, (err as Error).message);
}

/**
 * Reports what the checked paths turned out to be. `realDir` is the template's directory with symbolic
 * links followed: a path that is inside as written but whose real path is not (a link out of the
 * project) is refused like a `..` that leaves it.
 */
function finish({ model, diag, checks }: Prepared, found: readonly Found[], realDir?: string, projectDir?: string): TemplateModel {
  checks.forEach((check, i) => {
    const { kind, real } = found[i]!;
    if (real !== undefined && realDir !== undefined && !isInside(realDir, real)) {
      diag.error('EMU_TEMPLATE_PATH_OUTSIDE', check.at, check.written, `${real} (through a symbolic link)`, projectDir ?? model.templateDir);
    } else if (check.expect === 'any') {
      // Need not exist; only containment matters.
    } else if (kind === 'missing') {
      diag.error('EMU_TEMPLATE_CODE_NOT_FOUND', check.at, check.expect === 'file' ? 'file' : 'directory', check.written);
    } else if (check.expect === 'directory' && kind === 'file') {
      diag.error('EMU_TEMPLATE_BAD_PROPERTY', check.at, `"${check.written}" is a file, not a directory`);
    } else if (check.expect === 'file' && kind === 'directory') {
      diag.error('EMU_TEMPLATE_BAD_PROPERTY', check.at, `"${check.written}" is a directory, not a file`);
    } else if (check.expect === 'code' && kind === 'file' && !/\.(zip|jar)$/i.test(check.path)) {
      diag.error('EMU_TEMPLATE_BAD_PROPERTY', check.at, `"${check.written}" is a file, not a directory or a .zip/.jar archive`);
    } else {
      check.found?.(kind);
    }
  });
  diag.throwIfErrors();
  model.warnings.push(...diag.warnings);
  return model;
}

/** The git repository around a directory (the nearest ancestor holding `.git`), else the directory itself. */
export function projectRoot(dir: string): string {
  for (let d = dir; ; d = path.dirname(d)) {
    if (existsSync(path.join(d, '.git'))) return d;
    if (path.dirname(d) === d) return dir;
  }
}

function prepare(text: string, options: ParseTemplateOptions): Prepared {
  const file = options.templatePath;
  const templatePath = path.resolve(file);
  const templateDir = path.dirname(templatePath);
  const projectDir = path.resolve(options.projectDir ?? templateDir);
  const diag = new Diagnostics(file);
  const overrides = typeof options.parameterOverrides === 'string'
    ? parseParameterOverrides(options.parameterOverrides)
    : { ...(options.parameterOverrides ?? {}) };

  const { root, positions } = parseTemplateText(text, diag);
  diag.throwIfErrors();
  if (!isRecord(root)) {
    diag.error('EMU_TEMPLATE_BAD_STRUCTURE', diag.at(positions.of(root) ?? { line: 1, col: 1 }, ''), 'a template must be a map with a Resources section');
    diag.throwIfErrors();
  }
  const template = root as Record<string, unknown>;
  if (!isRecord(template.Resources)) {
    diag.error('EMU_TEMPLATE_BAD_STRUCTURE', diag.at(positions.entry(template, 'Resources') ?? { line: 1, col: 1 }, 'Resources'),
      template.Resources === undefined ? 'missing; a template needs a Resources section' : 'must be a map of resources');
    diag.throwIfErrors();
  }

  const region = options.region ?? PSEUDO_DEFAULTS.region;
  const accountId = options.accountId ?? PSEUDO_DEFAULTS.accountId;
  const partition = partitionOf(region);
  const urlSuffix = urlSuffixOf(region);
  const pseudo = new Map<string, string>([
    ['AWS::Region', region],
    ['AWS::AccountId', accountId],
    ['AWS::Partition', partition],
    ['AWS::URLSuffix', urlSuffix],
    ['AWS::StackName', PSEUDO_DEFAULTS.stackName],
    ['AWS::StackId', `arn:${partition}:cloudformation:${region}:${accountId}:stack/${PSEUDO_DEFAULTS.stackName}/51af3dc0-da77-11e4-872e-1234567db123`],
  ]);

  const parameters = resolveParameters(template.Parameters, overrides, diag, positions);
  const globals = readGlobals(template.Globals, diag, positions);
  const mappings = sectionMap(template, 'Mappings', diag, positions);
  const conditions = sectionMap(template, 'Conditions', diag, positions);

  const resourcesSection = template.Resources as Record<string, unknown>;
  const { resources, metadata, templateIds } = readResources(resourcesSection, globals, diag, positions);

  checkReferences(template, { diag, positions, parameters: new Set(parameters.keys()), resources, conditions, mappings });
  const resolver = new Resolver({ diag, positions, pseudo, parameters, mappings, conditions, resources, partition, region, accountId, urlSuffix });

  const active: ResourceEntry[] = [];
  const inactiveApis = new Set<string>();
  for (const id of templateIds) {
    const entry = resources.get(id)!;
    if (resolver.isActive(entry)) active.push(entry);
    else if (API_TYPES[entry.type]) inactiveApis.add(id);
  }
  const ofType = (types: readonly string[]) => active.filter((e) => types.includes(e.type));
  for (const entry of ofType(Object.keys(NOT_READ))) {
    diag.warn(`${diag.at(positions.entry(resourcesSection, entry.logicalId), joinPath('Resources', entry.logicalId))}: ${NOT_READ[entry.type]}`);
  }

  const checks: PathCheck[] = [];
  const readerCtx = { diag, positions, resolver };
  const layers = readLayerIndex(ofType(LAYER_TYPES), { ...readerCtx, templateDir, projectDir, checks });
  const functions: FunctionSpec[] = [];
  const functionEntries = ofType(FUNCTION_TYPES);
  const byName = new Map<string, FunctionSpec>();
  for (const entry of functionEntries) {
    const fn = readFunction(entry, metadata.get(entry.logicalId), { ...readerCtx, templateDir, projectDir, checks, layers });
    if (!fn) continue;
    // Lambda names are unique per account and region; two would make invocations by name ambiguous.
    const other = byName.get(fn.functionName);
    if (other) {
      const at = diag.at(positions.entry(entry.properties, 'FunctionName') ?? entry.anchor, `Resources.${entry.logicalId}.Properties.FunctionName`);
      diag.error('EMU_TEMPLATE_BAD_PROPERTY', at, `"${fn.functionName}" is already the name of ${other.logicalId}`);
      continue;
    }
    byName.set(fn.functionName, fn);
    functions.push(fn);
  }
  attachFunctionUrls(ofType(['AWS::Lambda::Url']), functions, readerCtx);

  const routeCtx = {
    ...readerCtx,
    functions: new Map(functions.map((f) => [f.logicalId, f])),
    implicitProperties: {
      rest: mergeGlobals(globals.get('AWS::Serverless::Api'), {}, undefined, positions),
      http: mergeGlobals(globals.get('AWS::Serverless::HttpApi'), {}, undefined, positions),
    },
  };
  const { apis, routes } = readApisAndRoutes(
    ofType(Object.keys(API_TYPES)),
    inactiveApis,
    functionEntries.filter((e) => e.type === 'AWS::Serverless::Function'),
    routeCtx,
  );
  // APIs declared as CloudFormation resources are served like their SAM equivalents.
  const cfn = readCfnApis(ofType(CFN_API_TYPES), routeCtx);
  apis.push(...cfn.apis);
  routes.push(...cfn.routes);
  const apiEntries = active.filter((e) => API_TYPES[e.type] || e.type === 'AWS::ApiGatewayV2::Api' || e.type === 'AWS::ApiGateway::RestApi');
  if (routes.length === 0 && apiEntries.length > 0) {
    const first = apiEntries[0]!;
    diag.warn(`${diag.at(positions.entry(resourcesSection, first.logicalId), joinPath('Resources', first.logicalId))}: no route is served: none of this template's APIs has a route emulate can serve (see the lines above)`);
  }
  const { blocking } = reportUnsupported(functionEntries, metadata, diag, positions);

  const apiKeys: string[] = [];
  for (const entry of ofType(['AWS::ApiGateway::ApiKey'])) {
    const value = apiKeyValue(new PropertyReader(readerCtx, entry.properties, `Resources.${entry.logicalId}.Properties`, entry));
    if (value !== undefined) apiKeys.push(value);
    else diag.warn(`${diag.at(entry.anchor, `Resources.${entry.logicalId}`)}: an API key without a Value is generated by AWS; pass local keys with --api-key`);
  }

  const model: TemplateModel = {
    templatePath,
    templateDir,
    region,
    accountId,
    partition,
    parameters: Object.fromEntries([...parameters].filter((e): e is [string, string | string[]] => typeof e[1] === 'string' || Array.isArray(e[1]))),
    functions,
    apis,
    routes,
    ...(apiKeys.length > 0 ? { apiKeys } : {}),
    warnings: [],
    unrunnable: blocking,
  };
  if (options.envVars) {
    const samIds = new Map<string, string>();
    for (const fn of functions) {
      const meta = metadata.get(fn.logicalId);
      if (isRecord(meta) && typeof meta.SamResourceId === 'string') samIds.set(fn.logicalId, meta.SamResourceId);
    }
    for (const warning of applyEnvVars(functions, options.envVars, samIds)) diag.warn(warning);
  }
  return { model, diag, checks };
}

function sectionMap(template: Record<string, unknown>, key: string, diag: Diagnostics, positions: Positions): Record<string, unknown> {
  const section = template[key];
  if (section === undefined || section === null) return {};
  if (!isRecord(section)) {
    diag.error('EMU_TEMPLATE_BAD_STRUCTURE', diag.at(positions.entry(template, key), key), 'must be a map');
    return {};
  }
  return section;
}
