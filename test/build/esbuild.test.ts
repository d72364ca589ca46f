// esbuild functions served without a build step: AWS's sam init TypeScript app, --watch rebuilds, build errors, source maps, ESM/CJS, External.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../src/index.js';
import { sourcemapChoice } from '../../src/build/esbuild.js';

const SAM_APP = fileURLToPath(new URL('../../fixtures/typescript/sam-app/', import.meta.url));

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** A copy of a project in a temp folder with a node_modules, so the build cache lands inside it and goes with it. */
function project(files: Record<string, string>, from?: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'emulate-build-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  if (from) cpSync(from, dir, { recursive: true });
  mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

async function start(dir: string, extra: Record<string, unknown> = {}): Promise<Emulator> {
  const emu = await createEmulator({ template: path.join(dir, 'template.yaml'), runner: 'process', logLevel: 'silent', lambdaPort: false, ...extra });
  cleanup.push(() => emu.close());
  return emu;
}

/** Polls the route until the answer differs from `old` (a rebuild is started by a file-system event, which has no readiness signal). */
async function nextAnswer(url: string, old: string): Promise<string> {
  for (;;) {
    const text = await (await fetch(url)).text();
    if (text !== old) return text;
    await new Promise((r) => setImmediate(r));
  }
}

function fnTemplate(fns: Record<string, { handler?: string; props?: string; env?: string }>): string {
  const resources = Object.entries(fns).map(([id, f]) => `  ${id}:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: ${id.toLowerCase()}/
      Handler: ${f.handler ?? 'app.handler'}
      Runtime: nodejs20.x${f.env ? `\n      Environment:\n        Variables:\n${f.env}` : ''}
    Metadata:
      BuildMethod: esbuild
      BuildProperties:
${f.props ?? '        Sourcemap: true'}`);
  return `Transform: AWS::Serverless-2016-10-31\nResources:\n${resources.join('\n')}\n`;
}

describe('AWS\'s sam init TypeScript hello world, served as it stands', () => {
  it('answers GET /Prod/hello with {"message":"hello world"} through start-api without sam build', async () => {
    const dir = project({}, SAM_APP);
    const emu = await start(dir);
    const res = await fetch(`${emu.apiUrl}/Prod/hello`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ message: 'hello world' });
    expect(emu.functions[0]!.environment.NODE_OPTIONS).toBe('--enable-source-maps');
  });

  it('serves an edit to app.ts on the next request with --watch', async () => {
    const dir = project({}, SAM_APP);
    const emu = await start(dir, { watch: true });
    const before = await (await fetch(`${emu.apiUrl}/Prod/hello`)).text();
    const app = path.join(dir, 'hello-world', 'app.ts');
    writeFileSync(app, readFileSync(app, 'utf8').replace("'hello world'", "'hello edited'"));
    expect(JSON.parse(await nextAnswer(`${emu.apiUrl}/Prod/hello`, before))).toEqual({ message: 'hello edited' });
  });
});

describe('esbuild BuildProperties', () => {
  it.each([
    ['CJS output (the default)', 'cjs', "export const handler = async (): Promise<string> => typeof require;", '"function"'],
    ['ESM output in .mjs (OutExtension)', 'esm\n        OutExtension:\n          - .js=.mjs', "export const handler = async (): Promise<string> => typeof import.meta.url;", '"string"'],
    ['ESM output in .js', 'esm', "export const handler = async (): Promise<string> => typeof import.meta.url;", '"string"'],
  ])('runs %s', async (_name, format, source, expected) => {
    const dir = project({ 'template.yaml': fnTemplate({ Fn: { props: `        Format: ${format}` } }), 'fn/app.ts': source });
    const emu = await start(dir);
    const result = await emu.invoke('Fn', {});
    expect(result.payload.toString()).toBe(expected);
  });

  it('drops a type-only import, keeps an External package out of the bundle and ships it beside it', async () => {
    const dir = project({
      'template.yaml': fnTemplate({ Fn: { props: '        External:\n          - left-out\n        Banner:\n          - js=// banner-text' } }),
      'fn/types.ts': 'export interface Shape { size: number }\n',
      'fn/node_modules/left-out/package.json': '{"name":"left-out","main":"index.js"}',
      'fn/node_modules/left-out/index.js': 'module.exports = { where: __dirname };',
      'fn/app.ts': "import type { Shape } from './types';\nimport { where } from 'left-out';\nexport const handler = async (): Promise<Shape & { where: string }> => ({ size: 1, where });\n",
    });
    const emu = await start(dir);
    const result = await emu.invoke('Fn', {});
    const value = result.value as { size: number; where: string };
    expect(value.size).toBe(1);
    // Required at run time from the copy beside the bundle, not from the source tree.
    expect(value.where).not.toContain(path.join(dir, 'fn'));
    expect(value.where).toMatch(/node_modules[/\\]left-out$/);
    const bundle = readFileSync(path.join(emu.functions[0]!.code.kind === 'directory' ? emu.functions[0]!.code.path : '', 'app.js'), 'utf8');
    expect(bundle.startsWith('// banner-text')).toBe(true);
    expect(bundle).toContain('left-out');
  });

  it('names app.ts and its line in the stack of a thrown error', async () => {
    const dir = project({
      'template.yaml': fnTemplate({ Fn: {} }),
      'fn/app.ts': "type Event = { n: number };\n\nexport const handler = async (event: Event) => {\n  throw new Error(`bad ${event.n}`);\n};\n",
    });
    const emu = await start(dir);
    const result = await emu.invoke('Fn', { n: 7 });
    expect(result.ok).toBe(false);
    expect(result.log).toMatch(/app\.ts:4:\d+/);
  });

  it.each([
    ['Sourcemap true adds the flag', { Sourcemap: true }, {}, true, '--enable-source-maps'],
    ['Sourcemap true keeps other NODE_OPTIONS', { Sourcemap: true }, { NODE_OPTIONS: '--max-old-space-size=100' }, true, '--max-old-space-size=100 --enable-source-maps'],
    ['the flag in NODE_OPTIONS turns Sourcemap on', {}, { NODE_OPTIONS: '--enable-source-maps' }, true, '--enable-source-maps'],
    ['Sourcemap false wins over the flag', { Sourcemap: false }, { NODE_OPTIONS: '--enable-source-maps' }, false, '--enable-source-maps'],
    ['no Sourcemap, no flag', {}, {}, false, undefined],
  ])('%s (SAM precedence)', (_name, props, env, sourcemap, nodeOptions) => {
    const choice = sourcemapChoice(props, env as Record<string, string>);
    expect(choice.sourcemap).toBe(sourcemap);
    expect(choice.environment.NODE_OPTIONS).toBe(nodeOptions);
  });
});

describe('a build error while watching', () => {
  it('fails the init with file:line:col, keeps the other functions answering, and serves the fix without a restart', async () => {
    const dir = project({
      'template.yaml': fnTemplate({ Broken: {}, Other: {} }),
      'broken/app.ts': 'export const handler = async () => "v1";\n',
      'other/app.ts': 'export const handler = async () => "other";\n',
    });
    const emu = await start(dir, { watch: true });
    expect((await emu.invoke('Broken')).value).toBe('v1');
    const app = path.join(dir, 'broken', 'app.ts');
    writeFileSync(app, 'export const handler = async () => {\n  return "v2" +;\n};\n');
    let failed = await emu.invoke('Broken');
    while (failed.ok) failed = await emu.invoke('Broken');
    expect(failed.value).toMatchObject({ errorType: expect.stringMatching(/SyntaxError/) });
    expect((failed.value as { errorMessage: string }).errorMessage).toMatch(/app\.ts:2:\d+: Unexpected/);
    expect((await emu.invoke('Other')).value).toBe('other');
    writeFileSync(app, 'export const handler = async () => "v3";\n');
    let fixed = await emu.invoke('Broken');
    while (fixed.value !== 'v3') fixed = await emu.invoke('Broken');
    expect(fixed.ok).toBe(true);
  });
});
