// Keeps DESIGN.md's import directions true: core imports nothing internal, parts import only core, the CLI only the library.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

function sources(dir: string): string[] {
  const abs = join(ROOT, dir);
  try {
    statSync(abs);
  } catch {
    return [];
  }
  return readdirSync(abs, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => join(dir, f));
}

/** Internal imports of a file, as paths relative to the repository root (without extension). */
function internalImports(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specs = [...text.matchAll(/(?:import|export)[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]!);
  return specs.map((s) => relative(ROOT, resolve(dirname(join(ROOT, file)), s)).replace(/\.js$/, ''));
}

/** Which top-level area a path belongs to. */
function area(path: string): string {
  const parts = path.split('/');
  if (parts[0] === 'src') {
    if (parts.length === 2) return `src/${parts[1]!.replace(/\.ts$/, '')}`;
    return parts[1] === 'runners' ? 'src/runners' : `src/${parts[1]}`;
  }
  return parts[0]!;
}

const RULES: Record<string, (target: string) => boolean> = {
  'src/core': (t) => t === 'src/core',
  'src/template': (t) => t === 'src/core',
  'src/runners': (t) => t === 'src/core',
  'src/pool': (t) => t === 'src/core',
  'src/build': (t) => t === 'src/core',
  'src/events': (t) => t === 'src/core',
  'runtime-api': (t) => t === 'src/core',
  apigw: (t) => t === 'src/core',
  'src/cli': (t) => t === 'src/index',
};

describe('import directions (DESIGN.md)', () => {
  const files = ['src', 'runtime-api', 'apigw'].flatMap(sources);

  it('finds the sources it checks', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it.each(Object.keys(RULES))('%s imports only what it may', (from) => {
    const offending: string[] = [];
    for (const file of files.filter((f) => area(f) === from)) {
      for (const target of internalImports(file)) {
        const to = area(target);
        if (to !== from && !RULES[from]!(to)) offending.push(`${file} → ${target}`);
      }
    }
    expect(offending).toEqual([]);
  });

  it('keeps the CLI thin: src/cli touches the library only through src/index.ts', () => {
    const imports = sources('src/cli').flatMap(internalImports).filter((t) => !t.startsWith('src/cli'));
    expect(new Set(imports)).toEqual(new Set(['src/index']));
  });

  it('keeps runners apart: a runner imports no other runner (shared code lives in src/runners/*.ts)', () => {
    const offending: string[] = [];
    for (const file of sources('src/runners')) {
      const own = file.split('/')[2]!;
      // Files directly in src/runners (the registry, lambda-env) are shared; only the registry may name runner folders.
      if (!own.includes('/') && own.endsWith('.ts')) {
        if (own === 'select.ts') continue;
        for (const t of internalImports(file)) if (t.split('/').length > 3 && t.startsWith('src/runners/')) offending.push(`${file} → ${t}`);
        continue;
      }
      for (const t of internalImports(file)) {
        const folder = t.startsWith('src/runners/') ? t.split('/')[2] : undefined;
        if (folder && t.split('/').length > 3 && folder !== own) offending.push(`${file} → ${t}`);
      }
    }
    expect(offending).toEqual([]);
  });

  it('keeps the composition root runner-neutral: src/emulator.ts reaches runners only through the registry', () => {
    const runnerImports = internalImports('src/emulator.ts').filter((t) => t.startsWith('src/runners/'));
    expect(runnerImports).toEqual(['src/runners/select']);
    const text = readFileSync(join(ROOT, 'src/emulator.ts'), 'utf8');
    expect(text.match(/\b(?:Docker|Process|Container)[A-Z]\w*|\bdockerode\b|Partial<\w*Launch>/g) ?? []).toEqual([]);
  });

  it('lets src/rie.ts (the second composition root) import only core, the Runtime API, the pool and the process spawner (with its extensions)', () => {
    const allowed = (t: string) =>
      t.startsWith('src/core/') || t.startsWith('runtime-api/') || t.startsWith('src/pool/') || ['src/runners/process/spawn', 'src/runners/process/extensions', 'src/runners/extensions'].includes(t);
    expect(internalImports('src/rie.ts').filter((t) => !allowed(t))).toEqual([]);
  });
});
