// `Metadata: BuildMethod: esbuild`: SAM's BuildProperties → esbuild options, and one incremental esbuild context per function.
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { emuError } from '../core/errors.js';
import type { FunctionSpec } from '../core/model.js';

/** A list property as SAM takes it: a YAML list, or one comma-separated string. */
function list(value: unknown, name: string, fn: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value.split(',').map((s) => s.trim()).filter(Boolean);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) return value.map(String);
  throw emuError('EMU_BUILD_FAILED', fn, `BuildProperties.${name} must be a list of strings`);
}

function bool(value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  return value === true || value === 'true' || value === 'True';
}

/** `".png=dataurl"` / `"js=// text"` pairs → an object; the key keeps what is written before `=`. */
function pairs(value: unknown, name: string, fn: string): Record<string, string> | undefined {
  const items = list(value, name, fn);
  if (!items) return undefined;
  const out: Record<string, string> = {};
  for (const item of items) {
    const at = item.indexOf('=');
    if (at <= 0) throw emuError('EMU_BUILD_FAILED', fn, `BuildProperties.${name} entry "${item}" is not KEY=VALUE`);
    out[item.slice(0, at).trim()] = item.slice(at + 1).trim();
  }
  return out;
}

/** SAM's precedence: Sourcemap true adds --enable-source-maps; NODE_OPTIONS with it turns Sourcemap on; an explicit false wins. */
export function sourcemapChoice(properties: Record<string, unknown>, environment: Record<string, string>): { sourcemap: boolean; environment: Record<string, string> } {
  const nodeOptions = environment.NODE_OPTIONS ?? '';
  const hasFlag = nodeOptions.split(/\s+/).includes('--enable-source-maps');
  const sourcemap = properties.Sourcemap === undefined ? hasFlag : bool(properties.Sourcemap, false);
  if (!sourcemap || hasFlag) return { sourcemap, environment };
  return { sourcemap, environment: { ...environment, NODE_OPTIONS: `${nodeOptions} --enable-source-maps`.trim() } };
}

/** The module file the handler names (`app.lambdaHandler` → app.ts/.js/...), SAM's default entry point. */
function handlerEntry(fn: FunctionSpec, codeDir: string): string {
  const handler = fn.handler ?? '';
  const module = handler.slice(0, handler.lastIndexOf('.'));
  for (const ext of ['.ts', '.mts', '.cts', '.tsx', '.js', '.mjs', '.cjs', '.jsx']) {
    if (existsSync(path.join(codeDir, module + ext))) return module + ext;
  }
  throw emuError('EMU_BUILD_FAILED', fn.logicalId, `no EntryPoints and no file for the handler "${handler}" in ${codeDir}`);
}

/**
 * esbuild's options for a function; `outdir` is its folder in the cache. The debugged function
 * (`--debug-port`) always gets its source map file, so that breakpoints on its .ts lines bind.
 */
export function esbuildOptions(fn: FunctionSpec, codeDir: string, outdir: string, sourcemap: boolean, debugged = false): esbuild.BuildOptions {
  const p = fn.build?.properties ?? {};
  const id = fn.logicalId;
  const entryPoints = (list(p.EntryPoints, 'EntryPoints', id) ?? [handlerEntry(fn, codeDir)]).map((e) => path.resolve(codeDir, e));
  const format = p.Format ?? 'cjs';
  if (format !== 'cjs' && format !== 'esm') throw emuError('EMU_BUILD_FAILED', id, `BuildProperties.Format must be cjs or esm, not ${String(format)}`);
  const loader = pairs(p.Loader, 'Loader', id) as Record<string, esbuild.Loader> | undefined;
  const nodeMajor = /^nodejs(\d+)/.exec(fn.runtime ?? '')?.[1];
  const options: esbuild.BuildOptions = {
    entryPoints,
    outdir,
    outbase: codeDir,
    absWorkingDir: codeDir,
    bundle: true,
    platform: 'node',
    format,
    write: true,
    logLevel: 'silent',
    // SAM's defaults: MainFields main,module and Minify true (docs: "Building Node.js Lambda functions with esbuild").
    mainFields: list(p.MainFields, 'MainFields', id) ?? ['main', 'module'],
    minify: bool(p.Minify, true),
    sourcemap: sourcemap || debugged,
    sourcesContent: bool(p.SourcesContent, true),
    target: list(p.Target, 'Target', id) ?? (nodeMajor ? [`node${nodeMajor}`] : ['es2020']),
    external: list(p.External, 'External', id) ?? [],
  };
  if (loader) options.loader = loader;
  const outExtension = pairs(p.OutExtension, 'OutExtension', id);
  if (outExtension) options.outExtension = outExtension;
  const banner = pairs(p.Banner, 'Banner', id);
  if (banner) options.banner = banner;
  const footer = pairs(p.Footer, 'Footer', id);
  if (footer) options.footer = footer;
  return options;
}

/** The output file esbuild writes for each entry point (what a failed build replaces with its error). */
export function outputFiles(options: esbuild.BuildOptions): string[] {
  const ext = options.outExtension?.['.js'] ?? '.js';
  return (options.entryPoints as string[]).map((entry) => {
    const rel = path.relative(options.outbase!, entry);
    return path.join(options.outdir!, rel.slice(0, rel.length - path.extname(rel).length) + ext);
  });
}

/** External packages are not bundled; as sam build installs them, copy each from the nearest node_modules. */
export function copyExternals(options: esbuild.BuildOptions, codeDir: string): void {
  for (const name of options.external ?? []) {
    if (name.includes('*')) continue;
    for (let dir = codeDir; ; dir = path.dirname(dir)) {
      const from = path.join(dir, 'node_modules', name);
      if (existsSync(from)) {
        cpSync(from, path.join(options.outdir!, 'node_modules', name), { recursive: true, dereference: true });
        break;
      }
      if (path.dirname(dir) === dir) break;
    }
  }
}

/** ESM output in `.js` files needs `"type": "module"` beside it, which sam build takes from the project's package.json. */
export function writeModuleType(options: esbuild.BuildOptions): void {
  mkdirSync(options.outdir!, { recursive: true });
  const esmInJs = options.format === 'esm' && (options.outExtension?.['.js'] ?? '.js') === '.js';
  writeFileSync(path.join(options.outdir!, 'package.json'), JSON.stringify({ type: esmInJs ? 'module' : 'commonjs' }));
}

/** esbuild's messages as `file:line:col: text`, the form editors link. */
export function formatMessages(messages: readonly esbuild.Message[], codeDir: string): string {
  return messages
    .map((m) => (m.location ? `${path.relative(codeDir, path.resolve(codeDir, m.location.file))}:${m.location.line}:${m.location.column + 1}: ${m.text}` : m.text))
    .join('\n');
}
