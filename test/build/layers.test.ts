// Layers named by ARN: provided from --layer / layers (folder or .zip) or a layer cache in SAM's naming, else named at start-up with file and line.
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmulator, loadTemplate } from '../../src/index.js';
import { runCli } from '../helpers/cli.js';
import { dockerAvailable, prepareStandIn, SETUP_TIMEOUT_MS } from '../docker/helpers.js';

const ARN = 'arn:aws:lambda:us-east-1:123456789012:layer:greeter:4';
const GREETER = "exports.greet = (name) => `hello ${name} from the layer`;";
const TEMPLATE = [
  'Transform: AWS::Serverless-2016-10-31',
  'Resources:',
  '  Greet:',
  '    Type: AWS::Serverless::Function',
  '    Properties:',
  '      CodeUri: src/',
  '      Handler: index.handler',
  '      Runtime: nodejs20.x',
  '      Layers:',
  `        - ${ARN}`,
  '',
].join('\n');

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A project whose function needs the `greeter` module from a layer the template names by ARN only. */
function project(): { dir: string; template: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'emulate-layers-test-'));
  dirs.push(dir);
  // The Docker runner's sandbox user must read the mounted code and layer (mkdtemp makes the folder 0700).
  chmodSync(dir, 0o755);
  mkdirSync(path.join(dir, 'src'));
  mkdirSync(path.join(dir, 'node_modules'));
  writeFileSync(path.join(dir, 'src', 'index.js'), "exports.handler = async (e) => require('greeter').greet(e.name);\n");
  writeFileSync(path.join(dir, 'template.yaml'), TEMPLATE);
  return { dir, template: path.join(dir, 'template.yaml') };
}

/** The layer's content as Lambda unpacks it into /opt: Node modules under nodejs/node_modules. */
function layerFolder(parent: string, name: string): string {
  const dir = path.join(parent, name);
  mkdirSync(path.join(dir, 'nodejs', 'node_modules', 'greeter'), { recursive: true });
  writeFileSync(path.join(dir, 'nodejs', 'node_modules', 'greeter', 'index.js'), GREETER);
  return dir;
}

function layerZip(file: string): string {
  writeFileSync(file, zipSync({ 'nodejs/node_modules/greeter/index.js': strToU8(GREETER) }));
  return file;
}

describe('layers named by ARN', () => {
  it('are named with file, line and property, where emulate looked and how to provide them, when nothing provides them', async () => {
    const { dir, template } = project();
    const model = await loadTemplate({ template, layerCache: path.join(dir, 'cache') });
    expect(model.warnings).toHaveLength(1);
    expect(model.warnings[0]).toContain(`${template}:10:11: Resources.Greet.Properties.Layers[0]: layer "${ARN}" is not provided locally, so the function runs without it`);
    expect(model.warnings[0]).toContain(path.join(dir, 'cache', 'greeter-4'));
    expect(model.warnings[0]).toContain('--layer ARN=FOLDER_OR_ZIP');
    const validate = await runCli(['validate', '-t', template, '--layer-cache', path.join(dir, 'cache')]);
    expect(validate.stdout + validate.stderr).toContain(`template.yaml:10:11: Resources.Greet.Properties.Layers[0]: layer "${ARN}" is not provided locally`);
  });

  it('come from a folder given for the ARN (layers option), on the process runner', async () => {
    const { dir, template } = project();
    const folder = layerFolder(dir, 'greeter-layer');
    await using emu = await createEmulator({ template, runner: 'process', logLevel: 'silent', lambdaPort: false, layers: { [ARN]: folder } });
    expect((await emu.invoke('Greet', { name: 'ada' })).value).toBe('hello ada from the layer');
  });

  it('come from a .zip given without the version (--layer on the CLI), unpacked into the project cache', async () => {
    const { dir, template } = project();
    const zip = layerZip(path.join(dir, 'greeter.zip'));
    const res = await runCli(['invoke', 'Greet', '-e', '-', '-t', template, '--runner', 'process', '--layer', `${ARN.replace(/:4$/, '')}=${zip}`], { stdin: '{"name":"bob"}' });
    expect(res.stdout).toContain('"hello bob from the layer"');
    expect(res.stderr).not.toContain('not provided locally');
  });

  it("come from a layer cache in SAM's naming (Name-Version-<sha256(ARN)[:10]>), as sam local leaves it", async () => {
    const { dir, template } = project();
    const cache = path.join(dir, 'layers-pkg');
    // AWS SAM developer guide, "Layer caching directory name schema".
    layerFolder(cache, `greeter-4-${createHash('sha256').update(ARN).digest('hex').slice(0, 10)}`);
    const res = await runCli(['invoke', 'Greet', '-e', '-', '-t', template, '--runner', 'process', '--layer-cache-basedir', cache], { stdin: '{"name":"cy"}' });
    expect(res.stdout).toContain('"hello cy from the layer"');
  });

  it('come from a Name-Version.zip in --layer-cache', async () => {
    const { dir, template } = project();
    const cache = path.join(dir, 'cache');
    mkdirSync(cache);
    layerZip(path.join(cache, 'greeter-4.zip'));
    await using emu = await createEmulator({ template, runner: 'process', logLevel: 'silent', lambdaPort: false, layerCache: cache });
    expect((await emu.invoke('Greet', { name: 'dee' })).value).toBe('hello dee from the layer');
  });

  it('refuse a malformed --layer with a clear error', async () => {
    const { template } = project();
    const res = await runCli(['invoke', 'Greet', '-t', template, '--layer', 'greeter=/tmp/x']);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain('--layer" takes LAYER_ARN=FOLDER_OR_ZIP');
  });

  it.skipIf(!dockerAvailable)('come from a .zip on the Docker runner too, mounted at /opt in the container', { timeout: SETUP_TIMEOUT_MS }, async () => {
    await prepareStandIn();
    const { dir, template } = project();
    const zip = layerZip(path.join(dir, 'greeter.zip'));
    await using emu = await createEmulator({ template, runner: 'docker', skipPullImage: true, logLevel: 'silent', lambdaPort: false, layers: { [ARN]: zip } });
    expect((await emu.invoke('Greet', { name: 'eve' })).value).toBe('hello eve from the layer');
  });
});
