// AWS's sam init TypeScript app on the Docker runner: bundled by emulate, mounted into a container on the (stand-in) AWS Node.js image.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../src/index.js';
import { EMULATOR_INSTANCE, LABELS } from '../../src/runners/docker/labels.js';
import { docker, dockerAvailable, prepareStandIn, SETUP_TIMEOUT_MS } from '../docker/helpers.js';

const SAM_APP = fileURLToPath(new URL('../../fixtures/typescript/sam-app/', import.meta.url));
const ours = () => docker.listContainers({ all: true, filters: { label: [`${LABELS.managed}=true`, `${LABELS.instance}=${EMULATOR_INSTANCE}`] } });

describe.skipIf(!dockerAvailable)('esbuild functions on the Docker runner', () => {
  let emu: Emulator;
  let dir: string;
  beforeAll(async () => {
    await prepareStandIn();
    dir = mkdtempSync(path.join(tmpdir(), 'emulate-build-docker-'));
    cpSync(SAM_APP, dir, { recursive: true });
    mkdirSync(path.join(dir, 'node_modules'));
    emu = await createEmulator({ template: path.join(dir, 'template.yaml'), runner: 'docker', skipPullImage: true, logLevel: 'silent', lambdaPort: false, watch: true });
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await emu?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the unchanged template\'s GET /Prod/hello from a container, then an edit to app.ts', async () => {
    const res = await fetch(`${emu.apiUrl}/Prod/hello`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ message: 'hello world' });
    const app = path.join(dir, 'hello-world', 'app.ts');
    writeFileSync(app, readFileSync(app, 'utf8').replace("'hello world'", "'hello from docker'"));
    let text = '';
    // The rebuild starts on a file-system event, which gives no readiness signal: ask until the new answer comes.
    while (!text.includes('hello from docker')) text = await (await fetch(`${emu.apiUrl}/Prod/hello`)).text();
    expect(JSON.parse(text)).toEqual({ message: 'hello from docker' });
  }, SETUP_TIMEOUT_MS);

  it('leaves no container behind after close', async () => {
    await emu.close();
    expect(await ours()).toEqual([]);
  });
});
