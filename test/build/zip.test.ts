// .zip CodeUri: unpacked once into the cache by the archive's hash and run; zip-slip entries and broken archives refused with coded errors.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { unpackArchive } from '../../src/build/zip.js';
import { isEmulatorError } from '../../src/core/errors.js';
import { createEmulator } from '../../src/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'emulate-zip-'));
  dirs.push(dir);
  return dir;
}

const HANDLER = 'exports.handler = async (event) => ({ zipped: true, event });';

describe('.zip CodeUri', () => {
  it('keeps the execute bits the archive records (Unix "version made by"), as Lambda does for an extension or a launcher script', () => {
    const dir = tempDir();
    const unix = (mode: number) => ({ os: 3, attrs: (0o100000 | mode) << 16 });
    const archive = path.join(dir, 'layer.zip');
    writeFileSync(
      archive,
      zipSync({
        'extensions/agent': [strToU8('#!/bin/sh\n'), unix(0o755)],
        'agent/main.py': [strToU8('print(1)\n'), unix(0o700)],
        'agent/lib.py': [strToU8('x = 1\n'), unix(0o644)],
        // Made on another system (no Unix mode): readable, not executable.
        'README': strToU8('hi'),
      }),
    );
    const out = unpackArchive(archive, path.join(dir, 'cache'));
    const mode = (name: string) => (statSync(path.join(out, name)).mode & 0o777).toString(8);
    expect([mode('extensions/agent'), mode('agent/main.py'), mode('agent/lib.py'), mode('README')]).toEqual(['755', '755', '644', '644']);
  });

  it('runs the function from the archive on the process runner, unpacked into the project cache', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'node_modules'));
    writeFileSync(path.join(dir, 'code.zip'), zipSync({ 'index.js': strToU8(HANDLER) }));
    writeFileSync(path.join(dir, 'template.yaml'), 'Transform: AWS::Serverless-2016-10-31\nResources:\n  Zipped:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: code.zip\n      Handler: index.handler\n      Runtime: nodejs20.x\n');
    await using emu = await createEmulator({ template: path.join(dir, 'template.yaml'), runner: 'process', logLevel: 'silent', lambdaPort: false });
    expect((await emu.invoke('Zipped', { a: 1 })).value).toEqual({ zipped: true, event: { a: 1 } });
    const code = emu.functions[0]!.code;
    expect(code.kind === 'directory' && code.path.startsWith(path.join(dir, 'node_modules', '.cache', 'emulate', 'zip'))).toBe(true);
  });

  it('unpacks an archive once: the same bytes give the same folder without writing again', () => {
    const dir = tempDir();
    const archive = path.join(dir, 'a.zip');
    writeFileSync(archive, zipSync({ 'lib/x.js': strToU8('1'), bootstrap: strToU8('#!/bin/sh') }));
    const first = unpackArchive(archive, path.join(dir, 'cache'));
    const written = statSync(path.join(first, 'lib', 'x.js')).mtimeMs;
    expect(unpackArchive(archive, path.join(dir, 'cache'))).toBe(first);
    expect(statSync(path.join(first, 'lib', 'x.js')).mtimeMs).toBe(written);
    expect(statSync(path.join(first, 'bootstrap')).mode & 0o111).not.toBe(0);
  });

  it.each([
    ['a parent-directory entry', '../evil.js'],
    ['a nested parent-directory entry', 'lib/../../evil.js'],
    ['an absolute entry', '/tmp/evil.js'],
  ])('refuses %s with EMU_BUILD_ZIP_SLIP and writes nothing', (_name, entry) => {
    const dir = tempDir();
    const archive = path.join(dir, 'slip.zip');
    writeFileSync(archive, zipSync({ 'index.js': strToU8(HANDLER), [entry]: strToU8('pwned') }));
    const cache = path.join(dir, 'cache');
    let err: unknown;
    try {
      unpackArchive(archive, cache);
    } catch (e) {
      err = e;
    }
    expect(isEmulatorError(err) && err.code).toBe('EMU_BUILD_ZIP_SLIP');
    expect((err as Error).message).toContain(entry);
    expect(existsSync(path.join(dir, 'evil.js'))).toBe(false);
    expect(readdirSync(path.join(cache, 'zip'))).toEqual([]);
  });

  it('refuses a file that is not a zip archive with EMU_BUILD_BAD_ZIP', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'bad.zip'), 'not a zip');
    expect(() => unpackArchive(path.join(dir, 'bad.zip'), path.join(dir, 'cache'))).toThrow(expect.objectContaining({ code: 'EMU_BUILD_BAD_ZIP' }));
  });
});
