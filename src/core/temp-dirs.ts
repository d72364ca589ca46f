// Temporary folders an emulator makes (inline code, merged layers): named after the owning pid so a later start can sweep what a killed one left.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `emulate-<kind>-<pid>-<name>-XXXXXX`: the pid tells a sweep whether the owner still runs. */
const OWNED = /^emulate-([a-z]+)-(\d+)-/;

/** True unless the process is certainly gone (EPERM means it exists under another user; a zombie has ended). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S ..."; state Z is a process that exited and waits to be reaped.
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** Makes a fresh folder in the temp dir owned by this process, e.g. `ownedTempDir('inline', 'HelloFunction')`. */
export function ownedTempDir(kind: string, name: string, parent: string = tmpdir()): string {
  // Logical ids are alphanumeric, but a name must never smuggle a path separator into the folder name.
  const safe = name.replace(/[^A-Za-z0-9_.]/g, '_');
  return mkdtempSync(join(parent, `emulate-${kind}-${process.pid}-${safe}-`));
}

export interface SweepOptions {
  /** Where to look (default the OS temp dir). */
  parent?: string;
  /** Whether an emulator process still runs (default: a signal-0 probe). */
  isAlive?: (pid: number) => boolean;
}

/**
 * Removes the temporary folders of emulators that are no longer running (killed before they could clean up).
 * Folders of live emulators, this one included, are left alone. Returns the names removed.
 */
export function sweepStaleTempDirs(options: SweepOptions = {}): string[] {
  const parent = options.parent ?? tmpdir();
  const isAlive = options.isAlive ?? pidAlive;
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return removed;
  }
  for (const name of names) {
    const match = OWNED.exec(name);
    if (!match) continue;
    const pid = Number(match[2]);
    if (pid === process.pid || isAlive(pid)) continue;
    try {
      rmSync(join(parent, name), { recursive: true, force: true });
      removed.push(name);
    } catch {
      // Another emulator sweeping at the same moment, or a folder we may not delete: not ours to fail on.
    }
  }
  return removed;
}
