// Test helper: a lock across test files (they run in parallel processes) for something the machine has once, e.g. a fixed port a sample binds.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Waits until this process holds the lock `name` (a directory in the temp dir holding the owner's pid; a dead
 * owner's lock is taken over) and returns its release. Throws after `timeoutMs`.
 */
export async function machineLock(name: string, timeoutMs = 120_000): Promise<() => void> {
  const dir = join(tmpdir(), `emulate-test-${name}.lock`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(dir);
      writeFileSync(join(dir, 'pid'), String(process.pid));
      return () => rmSync(dir, { recursive: true, force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let owner = 0;
    try {
      owner = Number(readFileSync(join(dir, 'pid'), 'utf8'));
    } catch {
      // the owner is between mkdir and writing its pid
    }
    if (owner && !alive(owner)) rmSync(dir, { recursive: true, force: true });
    else if (Date.now() > deadline) throw new Error(`timed out waiting for ${dir}`);
    else await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
