// Turns `_HANDLER` into the user's function with RIC 4.0.2's lookup rules, raising the `Runtime.*` init errors Lambda reports.
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ImportModuleError, RuntimeError, UserCodeSyntaxError } from './errors.js';

/** A handler as user code exports it. */
export type UserHandler = ((...args: unknown[]) => unknown) & { [key: symbol]: unknown };

export interface LoadedHandler {
  handler: UserHandler;
  /** Wrapped with `awslambda.streamifyResponse`. */
  streaming: boolean;
  /** Declared `(event, context, callback)`: run with Lambda's Node 20 callback model (RIC 4.x rejects these). */
  callbackStyle: boolean;
  /** An `async function`: a callback handler of this kind that never answers fails instead of answering null. */
  isAsync: boolean;
}

/** The markers `awslambda.streamifyResponse` puts on a handler (shared with the RIC through `Symbol.for`). */
export const HANDLER_STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
export const HANDLER_HIGHWATERMARK = Symbol.for('aws.lambda.runtime.handler.streaming.highWaterMark');
export const STREAM_RESPONSE = 'response';

const FUNCTION_EXPR = /^([^.]*)\.(.*)$/;
const EXTENSIONS = ['', '.js', '.mjs', '.cjs'];
const cjsRequire = createRequire(import.meta.url);

/** `src/app.a.b` → module root `src`, module `app`, export path `a.b` (the module name has no dots). */
export function parseHandlerString(full: string): { moduleRoot: string; moduleName: string; handlerName: string } {
  if (full.includes('..')) {
    throw new RuntimeError(
      'MalformedHandlerName',
      `'${full}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
    );
  }
  const handlerString = basename(full);
  const moduleRoot = full.substring(0, full.indexOf(handlerString)).replace(/\/$/, '');
  const match = FUNCTION_EXPR.exec(handlerString);
  if (!match) throw new RuntimeError('MalformedHandlerName', 'Bad handler');
  return { moduleRoot, moduleName: match[1]!, handlerName: match[2]! };
}

// RIC 4 only checks that the path exists; a directory named like the module would then fail to import, so files only.
const isFile = (path: string) => statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;

/** `TASK_ROOT/<root>/<module>` with '', .js, .mjs, .cjs (import() picks CJS or ESM), then Node's resolution from the task root. */
async function loadModule(taskRoot: string, moduleRoot: string, moduleName: string): Promise<unknown> {
  const base = resolve(taskRoot, moduleRoot, moduleName);
  try {
    for (const extension of EXTENSIONS) {
      const file = base + extension;
      if (isFile(file)) return await import(pathToFileURL(file).href);
    }
    const resolved = cjsRequire.resolve(moduleName, { paths: [taskRoot, join(taskRoot, moduleRoot)] });
    return cjsRequire(resolved);
  } catch (err) {
    if (err instanceof SyntaxError) throw new UserCodeSyntaxError(err);
    // Only CommonJS's code: a missing package imported from an ES module stays a plain Error, as under RIC 4.0.2 and Lambda.
    if (err instanceof Error && (err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') throw new ImportModuleError(err);
    throw err;
  }
}

function findIn(handlerName: string, module: unknown): unknown {
  return handlerName
    .split('.')
    .reduce<unknown>((nested, key) => (nested && typeof nested === 'object' ? (nested as Record<string, unknown>)[key] : undefined), module);
}

/** Loads the module and finds the export, falling back to the default export (a CommonJS module seen through import()). */
export async function loadHandler(taskRoot: string, handlerString: string): Promise<LoadedHandler> {
  const { moduleRoot, moduleName, handlerName } = parseHandlerString(handlerString);
  const module = await loadModule(taskRoot, moduleRoot, moduleName);
  let handler = findIn(handlerName, module);
  if (!handler && typeof module === 'object' && module !== null && 'default' in module) {
    handler = findIn(handlerName, (module as { default: unknown }).default);
  }
  if (!handler) throw new RuntimeError('HandlerNotFound', `${handlerString} is undefined or not exported`);
  if (typeof handler !== 'function') throw new RuntimeError('HandlerNotFound', `${handlerString} is not a function`);
  const fn = handler as UserHandler;
  const marker = fn[HANDLER_STREAMING];
  if (marker && marker !== STREAM_RESPONSE) throw new RuntimeError('MalformedStreamingHandler', 'Only response streaming is supported.');
  const streaming = marker === STREAM_RESPONSE;
  return {
    handler: fn,
    streaming,
    callbackStyle: !streaming && fn.length >= 3,
    isAsync: fn.constructor?.name === 'AsyncFunction',
  };
}
