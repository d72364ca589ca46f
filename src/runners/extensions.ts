// External extensions shared by the runners: finding them in the layers, and starting the runtime only once they have registered.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { LaunchContext, RuntimeProcess } from '../core/environment.js';

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

/** Lets the runtime start only once every extension has registered, or one has exited (rapid: AwaitExternalAgentsRegistered). */
export function registeredOrExited(ctx: Pick<LaunchContext, 'extensionsRegistered'>, started: ReadonlyArray<{ name: string; proc: Pick<RuntimeProcess, 'exited'> }>): Promise<void> {
  if (!ctx.extensionsRegistered || started.length === 0) return Promise.resolve();
  return Promise.race([ctx.extensionsRegistered(started.map((s) => s.name)), ...started.map((s) => s.proc.exited.then(() => undefined))]);
}
