// Where the runtime clients emulate ships for its process runner live on disk, as absolute paths.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
// Compiled, this module sits beside the clients in dist/. Loaded from its TypeScript source (vitest, tsx), the Node
// client exists only in the build output, while the Python client is the source file itself.
const fromSource = import.meta.url.endsWith('.ts');
const compiled = fromSource ? join(here, '..', '..', 'dist', 'runtime-api', 'clients') : here;

/** The Node client: run as `node NODE_CLIENT_ENTRY` with `_HANDLER`, `LAMBDA_TASK_ROOT` and the `AWS_LAMBDA_*` variables. */
export const NODE_CLIENT_ENTRY = join(compiled, 'node', 'main.js');

/** The Python client (standard library only, Python 3.8+): run as `python3 PYTHON_CLIENT_ENTRY` with the same variables. */
export const PYTHON_CLIENT_ENTRY = join(here, 'python', 'bootstrap.py');
