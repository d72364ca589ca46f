// Unpacks a local `.zip` CodeUri once into the cache, keyed by the archive's hash; entries that escape the folder are refused.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { emuError } from '../core/errors.js';

/** Where `archive` is unpacked under `cacheDir` (unpacking it on first use); the same bytes give the same folder. */
export function unpackArchive(archive: string, cacheDir: string): string {
  const bytes = readFileSync(archive);
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 32);
  const dir = path.join(cacheDir, 'zip', hash);
  // The marker is written last, so a half-unpacked folder (killed emulator) is unpacked again.
  if (existsSync(path.join(dir, '.emulate-unpacked'))) return dir;
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (err) {
    throw emuError('EMU_BUILD_BAD_ZIP', archive, (err as Error).message);
  }
  const tmp = `${dir}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    for (const [name, data] of Object.entries(entries)) {
      const target = path.resolve(tmp, name);
      // Zip slip: an entry named "../x" or "/etc/x" would be written outside the folder.
      if (path.isAbsolute(name) || name.includes('\\') || (target !== tmp && !target.startsWith(tmp + path.sep))) {
        throw emuError('EMU_BUILD_ZIP_SLIP', archive, name);
      }
      if (name.endsWith('/')) {
        mkdirSync(target, { recursive: true });
        continue;
      }
      mkdirSync(path.dirname(target), { recursive: true });
      // fflate does not expose Unix modes; Lambda's own unpacking makes files readable and a `bootstrap` must run.
      writeFileSync(target, data, { mode: path.basename(name) === 'bootstrap' ? 0o755 : 0o644 });
    }
    writeFileSync(path.join(tmp, '.emulate-unpacked'), archive);
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  return dir;
}
