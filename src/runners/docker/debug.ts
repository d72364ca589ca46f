// The debugged function's container (`--debug-port`): the Node inspector through NODE_OPTIONS, debugpy through a sitecustomize hook and a mounted --debugger-path.
import { chmodSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { debugFamily, debugListener, nodeDebugFlags, type DebugTarget } from '../../core/debug.js';
import { emuError } from '../../core/errors.js';
import type { FunctionSpec } from '../../core/model.js';
import { ownedTempDir } from '../../core/temp-dirs.js';
import type { ReadOnlyMount } from './container.js';

/** Where --debugger-path and the start-up hook are mounted in the container (read-only). */
const DEBUGPY_MOUNT = '/var/emulate-debug/debugpy';
const HOOK_MOUNT = '/var/emulate-debug/hook';

// Python imports `sitecustomize` from PYTHONPATH at start-up, whatever script the image's bootstrap runs
// (the AWS images' /var/runtime/bootstrap.py, a custom one): the hook starts debugpy there. It takes its
// settings out of the environment first, so the debugpy adapter (a child Python) and the function's own
// subprocesses do not start another listener.
const SITECUSTOMIZE = `# emulate --debug-port: debugpy listens before the runtime client runs.
import os

_listen = os.environ.pop("_EMULATE_DEBUGPY_LISTEN", None)
_wait = os.environ.pop("_EMULATE_DEBUGPY_WAIT", None)
if _listen:
    import debugpy

    _host, _port = _listen.rsplit(":", 1)
    debugpy.listen((_host, int(_port)))
    if _wait:
        debugpy.wait_for_client()
`;

export interface ContainerDebug {
  mounts: ReadOnlyMount[];
  dispose(): void;
}

/**
 * Sets up the debugged function's container. Node: the base image's bootstrap starts node, which reads
 * the inspector flags from NODE_OPTIONS. Python: debugpy from `--debugger-path` (mounted) is started by a
 * sitecustomize hook. With host networking the listener's 127.0.0.1:PORT is the host's; other networks,
 * other runtimes and Image functions are refused with a reason rather than left unreachable.
 */
export function debugContainer(fn: FunctionSpec, env: Record<string, string>, debug: DebugTarget, networkMode: string): ContainerDebug {
  const family = fn.packageType === 'Image' ? undefined : debugFamily(fn.runtime);
  if (!family) {
    throw emuError('EMU_RUNNER_UNSUPPORTED', fn.logicalId, `the Docker runner debugs nodejs*.x and python3.* Zip functions; ${fn.runtime ?? 'a PackageType Image function'} cannot be debugged here`);
  }
  if (networkMode !== 'host') {
    throw emuError('EMU_RUNNER_UNSUPPORTED', fn.logicalId, `debugging in a container needs host networking (the debugger listens on 127.0.0.1:${debug.port}); drop --docker-network ${networkMode} or use --runner process`);
  }
  if (family === 'node') {
    env.NODE_OPTIONS = [...(env.NODE_OPTIONS ? [env.NODE_OPTIONS] : []), ...nodeDebugFlags(debug)].join(' ');
    return { mounts: [], dispose: () => {} };
  }
  return debugpyContainer(fn, env, debug);
}

function debugpyContainer(fn: FunctionSpec, env: Record<string, string>, debug: DebugTarget): ContainerDebug {
  const dir = debug.debuggerPath;
  if (!dir || !existsSync(join(dir, 'debugpy', '__init__.py'))) {
    throw emuError(
      'EMU_RUNNER_UNSUPPORTED',
      fn.logicalId,
      `debugging a Python function in a container needs --debugger-path DIR holding debugpy (DIR/debugpy/__init__.py${dir ? ` is missing in ${dir}` : ''}); e.g. pip install --target DIR debugpy`,
    );
  }
  const unknown = debug.args.filter((a, i, all) => a !== '--listen' && a !== '--wait-for-client' && all[i - 1] !== '--listen');
  if (unknown.length > 0) {
    throw emuError('EMU_RUNNER_UNSUPPORTED', fn.logicalId, `in a container --debug-args takes only debugpy's --listen HOST:PORT and --wait-for-client, not ${unknown.join(' ')}`);
  }
  const at = debugListener(debug, 'python');
  const hook = ownedTempDir('debugpy', fn.logicalId);
  chmodSync(hook, 0o755);
  writeFileSync(join(hook, 'sitecustomize.py'), SITECUSTOMIZE, { mode: 0o644 });
  env.PYTHONPATH = [HOOK_MOUNT, DEBUGPY_MOUNT, ...(env.PYTHONPATH ? [env.PYTHONPATH] : [])].join(':');
  env._EMULATE_DEBUGPY_LISTEN = `${at.host}:${at.port}`;
  if (at.waits) env._EMULATE_DEBUGPY_WAIT = '1';
  return {
    mounts: [
      { source: dir, target: DEBUGPY_MOUNT },
      { source: hook, target: HOOK_MOUNT },
    ],
    dispose: () => rmSync(hook, { recursive: true, force: true }),
  };
}
