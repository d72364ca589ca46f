// Unpacks a local `.zip` CodeUri once into the cache, keyed by the archive's hash; entries that escape the folder are refused.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { emuError } from '../core/errors.js';

/** Where `archive` is unpacked under `cacheDir` (unpacking it on first use); the same bytes give the same folder. */
export function unpackArchive(archive: string, cacheDir: string): string {
  const bytes = readFileSync(archive);
  // `modes` names the unpacking's version: folders unpacked before execute bits were kept are not reused.
  const hash = createHash('sha256').update('modes\0').update(bytes).digest('hex').slice(0, 32);
  const dir = path.join(cacheDir, 'zip', hash);
  // The marker is written last, so a half-unpacked folder (killed emulator) is unpacked again.
  if (existsSync(path.join(dir, '.emulate-unpacked'))) return dir;
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (err) {
    throw emuError('EMU_BUILD_BAD_ZIP', archive, (err as Error).message);
  }
  const modes = unixModes(bytes);
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
      // Files readable by all; execute bits as the archive records them (an extension in `extensions/`, the script
      // its launcher runs, must run, as after Lambda's unpacking); a `bootstrap` must run in any case.
      const executable = path.basename(name) === 'bootstrap' || ((modes.get(name) ?? 0) & 0o111) !== 0;
      writeFileSync(target, data, { mode: executable ? 0o755 : 0o644 });
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

/**
 * The Unix permission bits of each entry made on Unix (fflate does not expose them): from the central directory,
 * "version made by" host 3 and the upper 16 bits of the external attributes (APPNOTE.TXT 4.3.12, 4.4.2, 4.4.15).
 * Empty when the archive has no readable central directory (fflate then reports what is wrong).
 */
export function unixModes(zip: Uint8Array): Map<string, number> {
  const modes = new Map<string, number>();
  const bytes = Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength);
  // The end of central directory record: 22 bytes plus a comment of up to 65,535.
  let end = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (bytes.readUInt32LE(at) === 0x06054b50) {
      end = at;
      break;
    }
  }
  if (end < 0) return modes;
  let at = bytes.readUInt32LE(end + 16);
  const count = bytes.readUInt16LE(end + 10);
  for (let i = 0; i < count && at + 46 <= bytes.length && bytes.readUInt32LE(at) === 0x02014b50; i++) {
    const madeBy = bytes.readUInt16LE(at + 4) >> 8;
    const nameLength = bytes.readUInt16LE(at + 28);
    const name = bytes.toString('utf8', at + 46, at + 46 + nameLength);
    if (madeBy === 3) modes.set(name, (bytes.readUInt32LE(at + 38) >>> 16) & 0o7777);
    at += 46 + nameLength + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
  }
  return modes;
}
