// External extensions on the process runner: the executables in the layers' extensions/ folders, started before the runtime.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { ExitInfo, RuntimeProcess } from '../../core/environment.js';
import type { Logger } from '../../core/logger.js';
import { ownedTempDir } from '../../core/temp-dirs.js';
import { spawnRuntime, type SpawnRuntimeOptions } from './spawn.js';

/** One extension executable: its name (the file name, as Lambda names it) and where it is. */
export interface ExtensionFile {
  name: string;
  path: string;
}

/** `/opt/extensions/*` of the merged layers, later layers winning, in name order (Lambda starts them before the runtime). */
export function findExtensions(layerDirs: readonly string[]): ExtensionFile[] {
  const byName = new Map<string, string>();
  for (const dir of layerDirs) {
    const ext = join(dir, 'extensions');
    if (!existsSync(ext)) continue;
    for (const name of readdirSync(ext)) {
      const path = join(ext, name);
      if (statSync(path).isFile()) byName.set(name, path);
    }
  }
  return [...byName.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, path]) => ({ name, path }));
}

let canUnshare: boolean | undefined;

/** Whether this host lets an unprivileged process have its own mount namespace (`unshare -rm`). */
export function privateOptAvailable(): boolean {
  if (canUnshare === undefined) {
    const probe = spawnSync('unshare', ['-rm', '--propagation', 'private', 'true'], { timeout: 5_000 });
    canUnshare = probe.status === 0;
  }
  return canUnshare;
}

/**
 * A folder that looks like Lambda's /opt: one symlink per top-level entry of each layer (later layers
 * win). Extensions run with it bind-mounted on /opt in a private mount namespace, so the samples'
 * hard-coded `/opt/<name>/...` paths resolve.
 */
export function mergedOpt(layerDirs: readonly string[], label: string): string {
  const dir = ownedTempDir('opt', label);
  const seen = new Map<string, string>();
  for (const layer of layerDirs) for (const entry of readdirSync(layer)) seen.set(entry, join(layer, entry));
  for (const [entry, target] of seen) symlinkSync(target, join(dir, entry));
  return dir;
}

/** Starts each extension (under /opt when `opt` is given) and then the runtime; one handle for all of them. */
export async function spawnWithExtensions(
  extensions: readonly ExtensionFile[],
  opt: string | undefined,
  runtime: SpawnRuntimeOptions,
  logger: Logger,
): Promise<RuntimeProcess> {
  const started: Array<{ name: string; proc: RuntimeProcess }> = [];
  try {
    for (const ext of extensions) {
      const path = opt ? join('/opt/extensions', ext.name) : ext.path;
      const proc = await spawnRuntime({
        ...runtime,
        ...(opt
          ? { command: 'unshare', args: ['-rm', '--propagation', 'private', 'sh', '-c', 'mount --bind "$0" /opt && exec "$@"', opt, path] }
          : { command: path, args: [] }),
      });
      started.push({ name: ext.name, proc });
    }
  } catch (err) {
    await Promise.all(started.map((s) => s.proc.kill()));
    throw err;
  }
  logger.debug({ extensions: extensions.map((e) => e.name) }, 'extensions started');
  let main: RuntimeProcess;
  try {
    main = await spawnRuntime(runtime);
  } catch (err) {
    await Promise.all(started.map((s) => s.proc.kill()));
    throw err;
  }
  const extensionExited = new Promise<{ name: string; exit: ExitInfo }>((resolve) => {
    for (const s of started) void s.proc.exited.then((exit) => resolve({ name: s.name, exit }));
  });
  return {
    exited: main.exited,
    extensionCount: started.length,
    extensionExited,
    extensionsGone: Promise.all(started.map((s) => s.proc.exited)).then(() => undefined),
    async kill() {
      await Promise.all([main.kill(), ...started.map((s) => s.proc.kill())]);
    },
    ...(main.maxMemoryUsedMb ? { maxMemoryUsedMb: main.maxMemoryUsedMb } : {}),
  };
}
