// Path containment: CodeUri, Code, ContentUri, Content, DockerContext and Dockerfile must resolve inside the project (the git repository around the template, else its directory), symbolic links followed.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isEmulatorError } from '../../src/core/errors.js';
import { TemplateErrors, readTemplate, readTemplateSync } from '../../src/template/index.js';
import { fixture, fixtureDir, fn, inline, inlineError } from './helpers.js';

const header = 'Transform: AWS::Serverless-2016-10-31\nResources:\n';
const outside = (written: string, resolved: string, dir: string) => `"${written}" resolves to ${resolved}, outside the project ${dir} (the git repository around the template, else its directory)`;

/** Reads a fixture with its own folder as the project (inside this repository, the repository would be). */
async function failure(file: string) {
  try {
    await readTemplate(file, { projectDir: path.dirname(file) });
  } catch (err) {
    if (!isEmulatorError(err)) throw err;
    return err;
  }
  throw new Error(`${file} was accepted`);
}

describe('the project a template\'s paths must stay inside', () => {
  it('is the git repository around the template: a monorepo\'s CodeUri ../x is fine', async () => {
    const model = await readTemplate(fixture('broken/codeuri-outside'));
    expect(model.functions[0]!.code).toEqual({ kind: 'directory', path: fixtureDir('hello-nodejs/hello-world').replace(/\/$/, '') });
  });

  it('is the template\'s own folder outside any git repository', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'emulate-nogit-'));
    mkdirSync(path.join(dir, 'app'));
    mkdirSync(path.join(dir, 'code'));
    writeFileSync(path.join(dir, 'app', 'template.yaml'), 'Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: nodejs20.x\n      Handler: a.b\n      CodeUri: ../code\n');
    await expect(readTemplate(path.join(dir, 'app', 'template.yaml'))).rejects.toThrow(`outside the project ${path.join(dir, 'app')} `);
  });
});

describe('broken fixtures with paths outside the template directory', () => {
  it('rejects a CodeUri that climbs out with .., even to a directory that exists', async () => {
    const file = fixture('broken/codeuri-outside');
    const dir = fixtureDir('broken/codeuri-outside');
    const err = await failure(file);
    expect(err.code).toBe('EMU_TEMPLATE_PATH_OUTSIDE');
    expect(err.message).toBe(
      `${file}:8:7: Resources.HelloFunction.Properties.CodeUri: ${outside('../../hello-nodejs/hello-world/', fixtureDir('hello-nodejs/hello-world'), dir.replace(/\/$/, ''))}`,
    );
  });

  it('rejects every kind of path property at its own line and column, existing or not, in file order', async () => {
    const file = fixture('broken/paths-outside');
    const dir = fixtureDir('broken/paths-outside').replace(/\/$/, '');
    const err = await failure(file);
    expect(err).toBeInstanceOf(TemplateErrors);
    const errors = (err as TemplateErrors).errors;
    expect(errors.map((e) => e.code)).toEqual(Array(5).fill('EMU_TEMPLATE_PATH_OUTSIDE'));
    expect(errors.map((e) => e.message)).toEqual([
      `${file}:7:7: Resources.SharedLayer.Properties.ContentUri: ${outside('../../intrinsics/layers/shared/', fixtureDir('intrinsics/layers/shared'), dir)}`,
      `${file}:13:7: Resources.AbsoluteFunction.Properties.CodeUri: ${outside('/etc', '/etc', dir)}`,
      `${file}:19:7: Resources.PlainFunction.Properties.Code: ${outside('../escape', fixtureDir('broken/escape'), dir)}`,
      `${file}:25:7: Resources.ContextFunction.Metadata.DockerContext: ${outside('../../image/app', fixtureDir('image/app'), dir)}`,
      `${file}:33:7: Resources.DockerfileFunction.Metadata.Dockerfile: ${outside('../../image/app/Dockerfile', fixtureDir('image/app/Dockerfile'), dir)}`,
    ]);
    expect(err.message.split('\n')[0]).toBe('5 errors in the template:');
  });
});

describe('paths as written (no disk)', () => {
  const cwd = process.cwd();

  it.each([
    ['src/'],
    ['.'],
    ['./src/../lib/'],
    ['src/..'],
    ['..hidden/'],
    [path.join(cwd, 'src')],
  ])('accepts CodeUri %s, which stays inside', (codeUri) => {
    const model = inline(`${header}${fn('Hello', `CodeUri: "${codeUri}"`)}\n`);
    expect(model.functions[0]!.code).toEqual({ kind: 'directory', path: path.resolve(cwd, codeUri) });
  });

  it.each([
    ['..'],
    ['../sibling/'],
    ['src/../../x'],
    ['/'],
    ['/etc'],
    [path.join(cwd, '..', path.basename(cwd) + '-other')],
  ])('refuses CodeUri %s with its position', (codeUri) => {
    expect(inlineError(`${header}${fn('Hello', `CodeUri: "${codeUri}"`)}\n`)).toBe(
      `inline.yaml:8:7: Resources.Hello.Properties.CodeUri: ${outside(codeUri, path.resolve(cwd, codeUri), cwd)}`,
    );
  });

  it('points a Globals CodeUri that leaves the directory at its line in Globals', () => {
    const text = `Transform: AWS::Serverless-2016-10-31\nGlobals:\n  Function:\n    CodeUri: ../shared/\nResources:\n  Hello:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: a.b\n      Runtime: nodejs22.x\n`;
    expect(inlineError(text)).toBe(`inline.yaml:4:5: Resources.Hello.Properties.CodeUri: ${outside('../shared/', path.resolve(cwd, '../shared'), cwd)}`);
  });

  it('refuses an AWS::Lambda::LayerVersion Content path', () => {
    const text = 'Resources:\n  Deps:\n    Type: AWS::Lambda::LayerVersion\n    Properties:\n      Content: /opt\n';
    expect(inlineError(text)).toBe(`inline.yaml:5:7: Resources.Deps.Properties.Content: ${outside('/opt', '/opt', cwd)}`);
  });

  it('refuses a DockerContext outside even when ImageUri is set (a build would still read it)', () => {
    const text = 'Resources:\n  Img:\n    Type: AWS::Serverless::Function\n    Properties:\n      PackageType: Image\n      ImageUri: repo/img:1\n    Metadata:\n      DockerContext: ../ctx\n';
    expect(inlineError(text)).toBe(`inline.yaml:8:7: Resources.Img.Metadata.DockerContext: ${outside('../ctx', path.resolve(cwd, '../ctx'), cwd)}`);
  });

  it('reports a DockerContext outside once, not again for its Dockerfile', () => {
    const text = 'Resources:\n  Img:\n    Type: AWS::Serverless::Function\n    Properties:\n      PackageType: Image\n    Metadata:\n      DockerContext: ../ctx\n      Dockerfile: Dockerfile\n';
    expect(inlineError(text)).toBe(`inline.yaml:7:7: Resources.Img.Metadata.DockerContext: ${outside('../ctx', path.resolve(cwd, '../ctx'), cwd)}`);
  });

  it('leaves S3 locations alone', () => {
    const model = inline(`${header}${fn('Hello', 'CodeUri: s3://bucket/../../code.zip')}\n`);
    expect(model.functions).toEqual([]);
  });
});

describe('symbolic links (real paths on disk)', () => {
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'emulate-paths-')));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const project = (name: string, codeUri: string, setup: (dir: string) => void): string => {
    const dir = path.join(root, name);
    mkdirSync(dir, { recursive: true });
    setup(dir);
    writeFileSync(path.join(dir, 'template.yaml'), `${header}${fn('Hello', `CodeUri: ${codeUri}`)}\n`);
    return dir;
  };
  const secrets = path.join(root, 'secrets');
  mkdirSync(secrets, { recursive: true });

  it.each([
    ['readTemplate', (file: string) => readTemplate(file)],
    ['readTemplateSync', async (file: string) => readTemplateSync(file)],
  ])('%s refuses a CodeUri that is a link out of the directory, naming where it leads', async (name, read) => {
    const dir = project(`link-out-${name}`, 'src', (d) => symlinkSync(secrets, path.join(d, 'src')));
    const file = path.join(dir, 'template.yaml');
    const err = await read(file).then(() => undefined, (e: unknown) => e);
    expect(isEmulatorError(err) && err.code).toBe('EMU_TEMPLATE_PATH_OUTSIDE');
    expect((err as Error).message).toBe(`${file}:8:7: Resources.Hello.Properties.CodeUri: ${outside('src', `${secrets} (through a symbolic link)`, dir)}`);
  });

  it('refuses a CodeUri below a linked directory that leads out', async () => {
    const dir = project('link-parent', 'lib/code/', (d) => symlinkSync(root, path.join(d, 'lib')));
    mkdirSync(path.join(root, 'code'), { recursive: true });
    await expect(readTemplate(path.join(dir, 'template.yaml'))).rejects.toMatchObject({
      code: 'EMU_TEMPLATE_PATH_OUTSIDE',
      message: expect.stringContaining(`"lib/code/" resolves to ${path.join(root, 'code')} (through a symbolic link)`),
    });
  });

  it('refuses a Dockerfile that is a link to a file outside', async () => {
    const dir = path.join(root, 'dockerfile-link');
    mkdirSync(path.join(dir, 'app'), { recursive: true });
    writeFileSync(path.join(secrets, 'Dockerfile'), 'FROM scratch\n');
    symlinkSync(path.join(secrets, 'Dockerfile'), path.join(dir, 'app', 'Dockerfile'));
    writeFileSync(path.join(dir, 'template.yaml'), 'Resources:\n  Img:\n    Type: AWS::Serverless::Function\n    Properties:\n      PackageType: Image\n    Metadata:\n      DockerContext: app\n      Dockerfile: Dockerfile\n');
    await expect(readTemplate(path.join(dir, 'template.yaml'))).rejects.toMatchObject({
      code: 'EMU_TEMPLATE_PATH_OUTSIDE',
      message: `${path.join(dir, 'template.yaml')}:8:7: Resources.Img.Metadata.Dockerfile: ${outside('Dockerfile', `${path.join(secrets, 'Dockerfile')} (through a symbolic link)`, dir)}`,
    });
  });

  it('accepts a link that stays inside the directory', async () => {
    const dir = project('link-in', 'current', (d) => {
      mkdirSync(path.join(d, 'v2'));
      symlinkSync(path.join(d, 'v2'), path.join(d, 'current'));
    });
    const model = await readTemplate(path.join(dir, 'template.yaml'));
    expect(model.functions[0]!.code).toEqual({ kind: 'directory', path: path.join(dir, 'current') });
  });

  it('accepts a template read through a linked directory (the comparison is between real paths)', async () => {
    const dir = project('real-project', 'src/', (d) => mkdirSync(path.join(d, 'src')));
    symlinkSync(dir, path.join(root, 'linked-project'));
    const model = await readTemplate(path.join(root, 'linked-project', 'template.yaml'));
    expect(model.functions[0]!.code).toEqual({ kind: 'directory', path: path.join(root, 'linked-project', 'src') });
  });

  it('still says "does not exist" for a missing path inside the directory', async () => {
    const dir = project('missing-inside', 'gone/', () => {});
    await expect(readTemplate(path.join(dir, 'template.yaml'))).rejects.toMatchObject({ code: 'EMU_TEMPLATE_CODE_NOT_FOUND' });
  });
});
