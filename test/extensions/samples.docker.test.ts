// AWS's sample extensions, unchanged, as template layers on the Docker runner: the Node.js example on the nodejs stand-in, the Python example and the Python Telemetry API sample on the python stand-in; init, two invocations and shutdown, in order.
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePythonStandIn } from '../../fixtures/docker/stand-in/build.mjs';
import { createEmulator, type FunctionLogChunk } from '../../src/index.js';
import { EMULATOR_INSTANCE, LABELS } from '../../src/runners/docker/labels.js';
import { docker, dockerAvailable, prepareStandIn, SETUP_TIMEOUT_MS } from '../docker/helpers.js';
import { machineLock } from '../helpers/machine-lock.js';
import { dispatchSink, expectSampleTelemetry, type TelemetryEvent } from '../helpers/telemetry.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/extensions/', import.meta.url));

/**
 * What `pip3 install -r requirements.txt -t .` puts beside the Python samples (their READMEs' step), taken from the
 * host's python3 (no package index here): the files of `requests` and of what it requires, as their metadata lists them.
 */
function hostRequests(): { site: string; entries: string[] } {
  const script = `
import json, re
from importlib import metadata
seen, todo, tops, site = set(), ["requests"], set(), None
while todo:
    name = todo.pop()
    key = re.sub(r"[-_.]+", "-", name).lower()
    if key in seen:
        continue
    seen.add(key)
    dist = metadata.distribution(name)
    site = site or str(dist.locate_file(""))
    if dist.files:
        tops.update(f.parts[0] for f in dist.files if not f.parts[0].endswith((".dist-info", ".egg-info")) and f.parts[0] not in ("..", "bin", "__pycache__"))
    else:
        tops.update((dist.read_text("top_level.txt") or name.replace("-", "_")).split())
    todo += [re.split(r"[ ;<>=!~\\[(]", r, maxsplit=1)[0] for r in dist.requires or [] if "extra ==" not in r]
print(json.dumps({"site": site, "entries": sorted(tops)}))
`;
  return JSON.parse(execFileSync('python3', ['-c', script], { encoding: 'utf8' })) as { site: string; entries: string[] };
}

/**
 * A project folder: each sample as its own layer, laid out as its README packages it (`extensions/<name>` and
 * `<name>/`, copied unchanged; the Python ones with `requests` installed beside them), the functions, and a template.
 */
function project(dispatchUri: string, pythonSampleAsZip: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'emulate-ext-samples-'));
  const { site, entries } = hostRequests();
  const layer = (name: string, from: string, code: string) => {
    mkdirSync(join(dir, 'layers', name, 'extensions'), { recursive: true });
    cpSync(join(FIXTURES, from, 'extensions', name), join(dir, 'layers', name, 'extensions', name));
    cpSync(join(FIXTURES, from, code), join(dir, 'layers', name, code), { recursive: true });
  };
  layer('nodejs-example-extension', 'layer', 'nodejs-example-extension');
  layer('python-example-extension', 'layer', 'python-example-extension');
  layer('python_example_telemetry_api_extension', 'telemetry', 'python_example_telemetry_api_extension');
  for (const [name, code] of [['python-example-extension', 'python-example-extension'], ['python_example_telemetry_api_extension', 'python_example_telemetry_api_extension']]) {
    // Package folders and single-file modules, as they sit in the host's site-packages.
    for (const entry of entries) cpSync(join(site, entry), join(dir, 'layers', name!, code!, entry), { recursive: true, filter: (src) => !src.endsWith('__pycache__') });
  }
  cpSync(join(FIXTURES, 'docker', 'fn'), join(dir, 'fn-node'), { recursive: true });
  cpSync(join(FIXTURES, 'fn'), join(dir, 'fn-python'), { recursive: true });
  // The function runs as the sandbox user: everything must be readable (and folders searchable), as Lambda requires.
  execFileSync('chmod', ['-R', 'a+rX', dir]);
  let pythonSample = 'layers/python-example-extension/';
  if (pythonSampleAsZip) {
    // The sample README's `zip -r extension.zip .`: the archive keeps the launcher's and extension.py's execute bits.
    execFileSync('zip', ['-qr', join(dir, 'python-example-extension.zip'), '.'], { cwd: join(dir, 'layers', 'python-example-extension') });
    chmodSync(join(dir, 'python-example-extension.zip'), 0o644);
    rmSync(join(dir, 'layers', 'python-example-extension'), { recursive: true });
    pythonSample = 'python-example-extension.zip';
  }
  writeFileSync(
    join(dir, 'template.yaml'),
    `Transform: AWS::Serverless-2016-10-31
Resources:
  NodeSample:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layers/nodejs-example-extension/
  PythonSample:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: ${pythonSample}
  TelemetrySample:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layers/python_example_telemetry_api_extension/
  NodeWithSample:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      CodeUri: fn-node/
      Handler: index.handler
      Timeout: 5
      Layers: [!Ref NodeSample]
  PythonWithSample:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      CodeUri: fn-python/
      Handler: app.handler
      Timeout: 5
      Layers: [!Ref PythonSample]
  PythonWithTelemetry:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      CodeUri: fn-python/
      Handler: app.handler
      Timeout: 5
      Layers: [!Ref TelemetrySample]
      Environment:
        Variables:
          # The sample forwards each batch it receives to DISPATCH_POST_URI: the test's listener.
          DISPATCH_POST_URI: ${dispatchUri}
          DISPATCH_MIN_BATCH_SIZE: "1"
`,
  );
  return dir;
}

async function ourContainers(): Promise<string[]> {
  const list = await docker.listContainers({ all: true, filters: { label: [LABELS.managed] } });
  return list.filter((c) => c.Labels[LABELS.instance] === EMULATOR_INSTANCE).map((c) => c.Id);
}

describe.skipIf(!dockerAvailable)('AWS\'s sample extensions as layers on the Docker runner', () => {
  let dir: string;
  let server: Server;
  const received: TelemetryEvent[] = [];

  beforeAll(async () => {
    await prepareStandIn();
    // The Telemetry sample's dispatcher POSTs each batch it got from the Telemetry API here, unchanged (host networking).
    let url: string;
    ({ server, url } = await dispatchSink(received));
    dir = project(url, true);
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    if (dir) rmSync(dir, { recursive: true, force: true });
    expect(await ourContainers()).toEqual([]);
  });

  /** Runs `fn` twice and closes the emulator; the output of the run, as lines, and the two invocations. */
  async function twoInvocations(fn: string) {
    const logs: FunctionLogChunk[] = [];
    const emu = await createEmulator({ template: join(dir, 'template.yaml'), runner: 'docker', logLevel: 'silent', lambdaPort: false, requestIds: 'sequential', onFunctionOutput: (c) => logs.push(c) });
    let first, second;
    try {
      first = await emu.invoke(fn, { n: 1 });
      second = await emu.invoke(fn, { n: 2 });
    } finally {
      await emu.close();
    }
    expect(await ourContainers()).toEqual([]);
    const text = logs.map((c) => c.text).join('');
    return { text, lines: text.split('\n'), first, second };
  }

  it('runs the Node.js example extension (a folder layer, on the nodejs image) through init, two invocations and shutdown, in order', async () => {
    const { text, lines, first, second } = await twoInvocations('NodeWithSample');
    expect(first.value).toEqual({ ok: true, event: { n: 1 } });
    expect(second.value).toEqual({ ok: true, event: { n: 2 } });
    expect(second.initDurationMs).toBeUndefined();
    const at = (re: RegExp, from = 0) => lines.findIndex((l, i) => i >= from && re.test(l));
    // Init: the bash launcher ran from /opt/extensions, the extension registered, and only then did the function run.
    const launched = at(/nodejs-example-extension {2}launching extension/);
    const registered = at(/extensionId [0-9a-f-]{36}/);
    const firstRun = at(/function got \{"n":1\}/);
    expect(launched).toBeGreaterThanOrEqual(0);
    expect(registered).toBeGreaterThan(launched);
    expect(firstRun).toBeGreaterThan(registered);
    // Invoke: one "invoke" per request; the first before the first REPORT (which waits for the extension), the second after it.
    const invokes = lines.flatMap((l, i) => (l === 'invoke' ? [i] : []));
    const firstReport = at(new RegExp(`^REPORT RequestId: ${first.requestId}\t`));
    expect(invokes).toHaveLength(2);
    expect(invokes[0]).toBeGreaterThan(registered);
    expect(invokes[0]).toBeLessThan(firstReport);
    expect(invokes[1]).toBeGreaterThan(firstReport);
    // Shutdown: SHUTDOWN with reason spindown after both, and the sample exited on its own.
    expect(at(/shutdown \{/)).toBeGreaterThan(invokes[1]!);
    expect(text).toContain("eventType: 'SHUTDOWN'");
    expect(text).toContain("shutdownReason: 'spindown'");
  }, 60_000);

  describe('on the python image', () => {
    beforeAll(() => ensurePythonStandIn({ docker }), SETUP_TIMEOUT_MS);

    it('runs the Python example extension (a .zip ContentUri layer, on the python image) through init, two invocations and shutdown, in order', async () => {
      const { lines, first, second } = await twoInvocations('PythonWithSample');
      expect(first.value).toEqual({ ok: true, event: { n: 1 } });
      expect(second.value).toEqual({ ok: true, event: { n: 2 } });
      const at = (re: RegExp, from = 0) => lines.findIndex((l, i) => i >= from && re.test(l));
      // Unanchored: the function's and the extension's output are separate streams, so a line may hold a piece of the other's.
      const launched = at(/python-example-extension {2}launching extension/);
      const registered = at(/\[python-example-extension\] Registered with ID: [0-9a-f-]{36}/);
      const firstRun = at(/function got \{'n': 1\}/);
      expect(launched).toBeGreaterThanOrEqual(0);
      expect(registered).toBeGreaterThan(launched);
      expect(firstRun).toBeGreaterThan(registered);
      // Invoke: the INVOKE events it printed, with the Extensions API's fields, in request order.
      const invokes = [...lines.join('\n').matchAll(/\[python-example-extension\] Received event: (\{.*?\}\})/g)].map((m) => JSON.parse(m[1]!) as Record<string, unknown>);
      expect(invokes.map((e) => [e.eventType, e.requestId])).toEqual([['INVOKE', first.requestId], ['INVOKE', second.requestId]]);
      for (const e of invokes) {
        expect(e).toMatchObject({ invokedFunctionArn: expect.stringContaining(':function:PythonWithSample'), tracing: { type: 'X-Amzn-Trace-Id', value: expect.stringMatching(/^Root=1-/) } });
        expect(typeof e.deadlineMs).toBe('number');
      }
      // Shutdown: after the second invocation, and it exited on its own.
      const shutdown = at(/\[python-example-extension\] Received SHUTDOWN event\. Exiting\./);
      expect(shutdown).toBeGreaterThan(lines.findIndex((l) => l.includes(`"requestId": "${second.requestId}"`)));
    }, 60_000);

    it('delivers Telemetry API events to AWS\'s Python Telemetry API sample (on the python image) for init, two invocations and shutdown, each valid per AWS\'s schema', async () => {
      received.length = 0;
      // The sample listens on port 4243, which the process runner's Telemetry test (telemetry.test.ts) binds too.
      const release = await machineLock('telemetry-sample-port-4243');
      let run;
      try {
        run = await twoInvocations('PythonWithTelemetry');
      } finally {
        release();
      }
      const { text, first, second } = run;
      expect(first.value).toEqual({ ok: true, event: { n: 1 } });
      expect(second.value).toEqual({ ok: true, event: { n: 2 } });
      // emulate sets AWS_SAM_LOCAL, as SAM does, so the sample listens on 0.0.0.0 (else sandbox.localdomain) and subscribes that.
      expect(text).toContain('Starting http listener on 0.0.0.0:4243');
      expect(text).toContain('Extension successfully subscribed to telemetry api OK');
      expectSampleTelemetry(received, first.requestId, second.requestId);
      // Invoke and shutdown, as the sample logs them: one INVOKE per request, then SHUTDOWN (its last batch dispatched then).
      const steps = [...text.matchAll(/Extension Main: Handle (Invoke|Shutdown) Event/g)].map((m) => m[1]);
      expect(steps).toEqual(['Invoke', 'Invoke', 'Shutdown']);
    }, 60_000);
  });
});
