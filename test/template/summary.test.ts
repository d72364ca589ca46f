// The table `emulate validate` prints for a model.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatTemplateSummary, readTemplate } from '../../src/template/index.js';
import { loadTemplate } from '../../src/index.js';
import { fixture } from './helpers.js';

describe('formatTemplateSummary', () => {
  it('lists functions and routes of the hello-world template in aligned columns', async () => {
    const model = await readTemplate(fixture('hello-nodejs'));
    expect(formatTemplateSummary(model)).toBe([
      `Template ${model.templatePath}`,
      '',
      'Functions (1)',
      '  NAME                RUNTIME     HANDLER            CODE         TIMEOUT  MEMORY  FROM',
      '  HelloWorldFunction  nodejs22.x  app.lambdaHandler  hello-world  3s       128 MB  folder',
      '',
      'Routes (1)',
      '  METHOD  PATH    API                       STAGE  PAYLOAD  FUNCTION',
      '  GET     /hello  ServerlessRestApi (rest)  Prod   1.0      -> HelloWorldFunction',
      '',
    ].join('\n'));
  });

  it('shows image functions, FunctionName beside the logical id, several APIs and the warnings', async () => {
    const image = formatTemplateSummary(await readTemplate(fixture('image')));
    expect(image).toContain('  BuiltImageFunction  Image    -            build app/Dockerfile ');
    expect(image).toContain('  ReadyImageFunction  Image    app.handler  123456789012.dkr.ecr.us-east-1.amazonaws.com/ready:latest  30s      128 MB');
    // As `emulate validate` reads it: the template's warnings, then the remote layer nobody provided.
    const intrinsics = formatTemplateSummary(await loadTemplate({ template: fixture('intrinsics') }));
    expect(intrinsics).toContain('  api-dev (ApiFunction)       nodejs20.x  index.handler   src/api        10s      256 MB');
    expect(intrinsics).toContain('  plain-lambda (PlainLambda)  python3.12  index.handler   (inline code)  3s       128 MB');
    expect(intrinsics).toMatch(/\nWarnings \(2\)\n {2}\S*fixtures\/templates\/intrinsics\/template\.yaml:106:11: /);
    expect(intrinsics).toMatch(/:81:\d+: .*arn:aws:lambda:us-east-1:123456789012:layer:remote-tools:3/);
    const http = formatTemplateSummary(await readTemplate(fixture('http-api')));
    expect(http).toContain([
      '  METHOD  PATH            API                       STAGE     PAYLOAD  FUNCTION',
      '  GET     /orders         OrdersApi (http)          dev       2.0      -> OrdersFunction',
      '  ANY     /legacy/orders  OrdersApi (http)          dev       1.0      -> OrdersFunction',
      '  ANY     $default        ServerlessHttpApi (http)  $default  2.0      -> OrdersFunction',
    ].join('\n'));
  });

  it.each([
    ['an esbuild bundle', 'Metadata:\n      BuildMethod: esbuild', 'src/', 'esbuild bundle'],
    ['a zip', '', 'code.zip', 'zip'],
    ['a folder', '', 'src/', 'folder'],
  ])('says when the code is %s', async (_name, metadata, codeUri, from) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'emulate-summary-'));
    try {
      mkdirSync(path.join(dir, 'src'));
      writeFileSync(path.join(dir, 'code.zip'), '');
      writeFileSync(path.join(dir, 'template.yaml'), `Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: ${codeUri}\n      Handler: app.handler\n      Runtime: nodejs20.x\n    ${metadata}\n`);
      const text = formatTemplateSummary(await readTemplate(path.join(dir, 'template.yaml')));
      expect(text).toMatch(new RegExp(`\\n  Fn +nodejs20\\.x +app\\.handler +${codeUri.replace(/\/$/, '').replace('.', '\\.')} +3s +128 MB +${from}\\n`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
