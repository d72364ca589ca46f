// The text `emulate validate` prints: a table of functions, a table of routes, then the warnings.
import path from 'node:path';
import type { ApiSpec, FunctionSpec, RouteSpec, TemplateModel } from './types.js';

/** Aligns columns with two spaces between them; no trailing spaces. */
/** The API a route names (the reader puts every named API in `model.apis`). */
function apiOf(model: TemplateModel, route: RouteSpec): ApiSpec {
  return model.apis.find((a) => a.logicalId === route.apiLogicalId)!;
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((row) => `  ${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')}`.trimEnd());
}

function codeText(fn: FunctionSpec, templateDir: string): string {
  const rel = (p: string) => path.relative(templateDir, p) || '.';
  switch (fn.code.kind) {
    case 'directory':
    case 'archive':
      return rel(fn.code.path);
    case 'inline':
      return '(inline code)';
    case 'image':
      if (fn.code.imageUri) return fn.code.imageUri;
      return fn.code.build ? `build ${path.join(rel(fn.code.build.contextDir), fn.code.build.dockerfile)}` : '-';
  }
}

/** How the code is obtained before a runner sees it: folder, zip (unpacked into the cache), esbuild bundle, image. */
function codeSource(fn: FunctionSpec): string {
  if (fn.code.kind === 'image') return fn.code.build ? 'image (docker build)' : 'image';
  if (fn.code.kind === 'inline') return 'inline';
  if (fn.build?.method === 'esbuild') return 'esbuild bundle';
  return fn.code.kind === 'archive' ? 'zip' : 'folder';
}

/** The summary of a model, one line per function and route, for `emulate validate`. */
export function formatTemplateSummary(model: TemplateModel): string {
  const lines: string[] = [`Template ${model.templatePath}`, ''];
  lines.push(`Functions (${model.functions.length})`);
  if (model.functions.length > 0) {
    lines.push(...table(
      ['NAME', 'RUNTIME', 'HANDLER', 'CODE', 'TIMEOUT', 'MEMORY', 'FROM'],
      model.functions.map((fn) => [
        fn.functionName === fn.logicalId ? fn.functionName : `${fn.functionName} (${fn.logicalId})`,
        fn.packageType === 'Image' ? 'Image' : fn.runtime ?? '-',
        fn.packageType === 'Image' ? fn.imageConfig?.command?.[0] ?? '-' : fn.handler ?? '-',
        codeText(fn, model.templateDir),
        `${fn.timeoutSeconds}s`,
        `${fn.memorySizeMb} MB`,
        codeSource(fn),
      ]),
    ));
  }
  lines.push('', `Routes (${model.routes.length})`);
  if (model.routes.length > 0) {
    lines.push(...table(
      ['METHOD', 'PATH', 'API', 'STAGE', 'PAYLOAD', 'FUNCTION'],
      model.routes.map((r) => [
        r.method,
        r.path,
        `${r.apiLogicalId} (${apiOf(model, r).kind})`,
        apiOf(model, r).stageName,
        r.responseTransferMode === 'STREAM' ? `${r.payloadFormatVersion} streamed` : r.payloadFormatVersion,
        `-> ${r.functionLogicalId}`,
      ]),
    ));
  }
  if (model.warnings.length > 0) {
    lines.push('', `Warnings (${model.warnings.length})`, ...model.warnings.map((w) => `  ${w}`));
  }
  return `${lines.join('\n')}\n`;
}
