// `emulate rie` starts the external extensions in /opt/extensions before the runtime, as Lambda does, and shuts them down.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startRie } from '../../src/index.js';
import { running } from '../helpers/processes.js';

const RUNTIME = fileURLToPath(new URL('../../fixtures/rie/scripted-runtime.mjs', import.meta.url));
const OPT = fileURLToPath(new URL('../../fixtures/rie/opt/', import.meta.url));
const ANY = { host: '127.0.0.1', port: 0 };

async function start(out: string[]) {
  return startRie({
    command: [RUNTIME],
    optDir: OPT,
    invokeAddress: ANY,
    runtimeApiAddress: ANY,
    env: { PATH: process.env.PATH ?? '', AWS_LAMBDA_FUNCTION_TIMEOUT: '2' },
    logLevel: 'silent',
    output: (chunk) => out.push(chunk.toString()),
  });
}

describe('emulate rie with an external extension in /opt/extensions', () => {
  it('starts it before the runtime, sends it INVOKE for each request and SHUTDOWN spindown at close', async () => {
    const out: string[] = [];
    const rie = await start(out);
    const ids: string[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        const result = await rie.invoke({ payload: Buffer.from(JSON.stringify({ action: 'echo', i })) });
        expect(result.ok).toBe(true);
        ids.push(result.requestId);
      }
    } finally {
      await rie.close();
    }
    const lines = out.join('').split('\n');
    const at = (line: string) => lines.indexOf(line);
    expect(at('recorder registered for test_function')).toBeGreaterThanOrEqual(0);
    expect(at('recorder registered for test_function')).toBeLessThan(lines.findIndex((l) => l.startsWith('handling echo')));
    // END/REPORT wait for the extension to be back at /event/next (the Invoke phase includes it).
    for (const id of ids) expect(at(`recorder got INVOKE ${id}`)).toBeLessThan(at(`END RequestId: ${id}`));
    expect(lines.filter((l) => l.startsWith('recorder got ')).at(-1)).toBe('recorder got SHUTDOWN spindown');
    expect(running('fixtures/rie/opt/extensions/recorder')).toEqual([]);
  }, 30_000);

  it('resets the environment with SHUTDOWN failure when the runtime exits mid-invocation', async () => {
    const out: string[] = [];
    const rie = await start(out);
    try {
      const result = await rie.invoke({ payload: Buffer.from('{"action":"exit"}') });
      expect(result.ok).toBe(false);
      expect(result.ok ? undefined : result.error.errorType).toBe('Runtime.ExitError');
    } finally {
      await rie.close();
    }
    expect(out.join('')).toContain('recorder got SHUTDOWN failure\n');
    expect(out.join('')).not.toContain('recorder got SHUTDOWN spindown');
    expect(running('fixtures/rie/opt/extensions/recorder')).toEqual([]);
  }, 30_000);
});
