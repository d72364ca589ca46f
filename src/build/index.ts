// Builds beside the runners: turns each function's code (esbuild bundle, .zip) into a folder before any runner sees it, and rebuilds on --watch.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import type { Logger } from '../core/logger.js';
import type { FunctionSpec } from '../core/model.js';
import { copyExternals, esbuildOptions, formatMessages, outputFiles, sourcemapChoice, writeModuleType } from './esbuild.js';
import { unpackArchive } from './zip.js';

export { unpackArchive } from './zip.js';
export { chooseTemplate } from './sam-build.js';
export { provideLayers, type LayerSources } from './layers.js';

/** The cache folder of a project: node_modules/.cache/emulate beside the template when there is a node_modules, else the OS cache dir. */
export function cacheDirFor(templateDir: string): string {
  if (existsSync(path.join(templateDir, 'node_modules'))) return path.join(templateDir, 'node_modules', '.cache', 'emulate');
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'emulate', createHash('sha256').update(templateDir).digest('hex').slice(0, 16));
}

export interface BuildOptions {
  templateDir: string;
  logger: Logger;
  /** Keep esbuild contexts for incremental rebuilds (--watch). */
  watch: boolean;
  /** The template is sam build's output: its esbuild functions are bundled already. */
  prebuilt?: boolean;
  /** Overrides cacheDirFor(templateDir). */
  cacheDir?: string;
  /** Logical id of the function a debugger attaches to (`--debug-port`): its bundle always has a source map. */
  debugged?: string;
}

interface Bundle {
  fn: FunctionSpec;
  codeDir: string;
  options: esbuild.BuildOptions;
  context: esbuild.BuildContext | undefined;
  /** Set while a change waits for its rebuild; invocations wait on it. */
  pending: Promise<void> | undefined;
}

/** The functions as runners see them (built code folders), and the rebuilds behind --watch. */
export class CodeBuilds {
  private readonly watchers: FSWatcher[] = [];
  private closed = false;

  private constructor(
    readonly functions: FunctionSpec[],
    private readonly bundles: Map<string, Bundle>,
    private readonly logger: Logger,
  ) {}

  /** Builds every esbuild function and unpacks every .zip once, with a progress line per function and its time. */
  static async prepare(functions: readonly FunctionSpec[], options: BuildOptions): Promise<CodeBuilds> {
    const cacheDir = options.cacheDir ?? cacheDirFor(options.templateDir);
    const bundles = new Map<string, Bundle>();
    const builds = new CodeBuilds([], bundles, options.logger);
    try {
      const out = await Promise.all(functions.map(async (fn): Promise<FunctionSpec> => {
        if (fn.code.kind === 'archive') {
          const started = performance.now();
          const dir = unpackArchive(fn.code.path, cacheDir);
          options.logger.info({ fn: fn.functionName, ms: Math.round(performance.now() - started) }, `unpacked ${path.basename(fn.code.path)} into ${dir}`);
          return { ...fn, code: { kind: 'directory', path: dir } };
        }
        if (fn.build?.method !== 'esbuild' || fn.code.kind !== 'directory') return fn;
        if (options.prebuilt) return { ...fn, environment: sourcemapChoice(fn.build.properties, fn.environment).environment };
        const codeDir = fn.code.path;
        const { sourcemap, environment } = sourcemapChoice(fn.build.properties, fn.environment);
        const outdir = path.join(cacheDir, 'esbuild', fn.logicalId);
        const esbuildOpts = esbuildOptions(fn, codeDir, outdir, sourcemap, fn.logicalId === options.debugged);
        const bundle: Bundle = { fn, codeDir, options: esbuildOpts, context: undefined, pending: undefined };
        bundles.set(fn.logicalId, bundle);
        writeModuleType(esbuildOpts);
        copyExternals(esbuildOpts, codeDir);
        bundle.context = await esbuild.context(esbuildOpts);
        await builds.rebuild(bundle, 'built');
        if (!options.watch) {
          await bundle.context.dispose();
          bundle.context = undefined;
        }
        return { ...fn, code: { kind: 'directory', path: outdir }, environment };
      }));
      builds.functions.push(...out);
      return builds;
    } catch (err) {
      await builds.close();
      throw err;
    }
  }

  /** Resolves once the function's code is built (at once unless a change waits for its rebuild). */
  ready(logicalId: string): Promise<void> {
    return this.bundles.get(logicalId)?.pending ?? Promise.resolve();
  }

  /** Watches an esbuild function's sources: on a change `changed` runs at once (retire environments), then it rebuilds. False when the function is not bundled. */
  watch(logicalId: string, changed: () => void): boolean {
    const bundle = this.bundles.get(logicalId);
    if (!bundle) return false;
    let timer: NodeJS.Timeout | undefined;
    let release: (() => void) | undefined;
    const watcher = watch(bundle.codeDir, { recursive: true }, (_event, file) => {
      if (this.closed || (file && String(file).split(path.sep).includes('node_modules'))) return;
      // Invocations from now on wait for the rebuild: the next one runs the new code, never the old.
      if (!release) bundle.pending = new Promise<void>((resolve) => (release = resolve));
      changed();
      clearTimeout(timer);
      // Editors write a file in several steps; one rebuild for the burst.
      timer = setTimeout(() => {
        const done = release!;
        release = undefined;
        this.rebuild(bundle, 'rebuilt').finally(() => {
          if (!release) bundle.pending = undefined;
          done();
        });
      }, 15);
    });
    watcher.unref();
    this.watchers.push(watcher);
    return true;
  }

  /** Rebuilds one bundle; a build error becomes the entry modules themselves, so the function fails its init with the message. */
  private async rebuild(bundle: Bundle, verb: string): Promise<void> {
    const started = performance.now();
    const fnName = bundle.fn.functionName;
    try {
      await bundle.context!.rebuild();
      this.logger.info({ fn: fnName, ms: Math.round(performance.now() - started) }, `esbuild ${verb} ${fnName} in ${Math.round(performance.now() - started)} ms`);
    } catch (err) {
      const errors = (err as { errors?: esbuild.Message[] }).errors;
      const text = errors ? formatMessages(errors, bundle.codeDir) : (err as Error).message;
      this.logger.error({ fn: fnName }, `esbuild cannot build ${fnName}; it fails its init until it builds again:\n${text}`);
      // A thrown SyntaxError at load is what the runtime reports as an init failure (Runtime.UserCodeSyntaxError).
      const source = `throw new SyntaxError(${JSON.stringify(`esbuild: ${text}`)});\n`;
      for (const file of outputFiles(bundle.options)) {
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, source);
      }
    }
  }

  /** Stops watchers and esbuild contexts; idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.watchers) w.close();
    await Promise.all([...this.bundles.values()].map((b) => b.context?.dispose()));
  }
}
