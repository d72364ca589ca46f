// Places a Zip function's local layers at /opt: one layer is mounted as it is, several are merged into a temporary directory.
import { chmodSync, cpSync, rmSync } from 'node:fs';
import type { Logger } from '../../core/logger.js';
import type { FunctionSpec } from '../../core/model.js';
import { ownedTempDir } from '../../core/temp-dirs.js';

export interface LayerMount {
  /** The host directory to mount read-only at /opt, or undefined when the function has no local layer. */
  source: string | undefined;
  /** Removes what was created for the mount (the merged copy); idempotent. */
  dispose(): void;
}

/**
 * Lambda extracts layers into /opt in order, later layers overwriting earlier ones. One layer is bind-mounted
 * read-only (edits show at once, nothing is copied). Several layers usually overlap (`nodejs/node_modules` in each),
 * which separate mounts cannot express, so they are copied once per launch into one directory, later layers winning;
 * that copy is a snapshot until the function's launch is recreated. Remote (ARN) layers cannot be fetched locally and
 * are skipped with a warning.
 */
export function prepareLayers(fn: FunctionSpec, logger: Logger): LayerMount {
  for (const layer of fn.layers) {
    // Start-up has named it already, with where it was looked for (src/build/layers.ts).
    if (layer.kind === 'remote') logger.debug({ fn: fn.functionName, layer: layer.arn }, 'layer is not local and is skipped');
  }
  const dirs = fn.layers.flatMap((layer) => (layer.kind === 'local' ? [layer.contentDir] : []));
  if (dirs.length === 0) return { source: undefined, dispose: () => {} };
  if (dirs.length === 1) return { source: dirs[0], dispose: () => {} };
  const merged = ownedTempDir('layers', fn.logicalId);
  // mkdtemp makes the directory 0700; the function runs as an unprivileged user and must read it, as in Lambda.
  chmodSync(merged, 0o755);
  for (const dir of dirs) cpSync(dir, merged, { recursive: true, force: true, verbatimSymlinks: true });
  let disposed = false;
  return {
    source: merged,
    dispose: () => {
      if (disposed) return;
      disposed = true;
      rmSync(merged, { recursive: true, force: true });
    },
  };
}
