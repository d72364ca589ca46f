// The table `emulate validate` prints for a model.
import { describe, expect, it } from 'vitest';
import { formatTemplateSummary, readTemplate } from '../../src/template/index.js';
import { fixture } from './helpers.js';

describe('formatTemplateSummary', () => {
  it('lists functions and routes of the hello-world template in aligned columns', async () => {
    const model = await readTemplate(fixture('hello-nodejs'));
    expect(formatTemplateSummary(model)).toBe([
      `Template ${model.templatePath}`,
      '',
      'Functions (1)',
      '  NAME                RUNTIME     HANDLER            CODE         TIMEOUT  MEMORY',
      '  HelloWorldFunction  nodejs22.x  app.lambdaHandler  hello-world  3s       128 MB',
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
    const intrinsics = formatTemplateSummary(await readTemplate(fixture('intrinsics')));
    expect(intrinsics).toContain('  api-dev (ApiFunction)       nodejs20.x  index.handler   src/api        10s      256 MB');
    expect(intrinsics).toContain('  plain-lambda (PlainLambda)  python3.12  index.handler   (inline code)  3s       128 MB');
    expect(intrinsics).toContain(`\nWarnings (2)\n  ${fixture('intrinsics')}:106:11: `);
    const http = formatTemplateSummary(await readTemplate(fixture('http-api')));
    expect(http).toContain([
      '  METHOD  PATH            API                       STAGE     PAYLOAD  FUNCTION',
      '  GET     /orders         OrdersApi (http)          dev       2.0      -> OrdersFunction',
      '  ANY     /legacy/orders  OrdersApi (http)          dev       1.0      -> OrdersFunction',
      '  ANY     $default        ServerlessHttpApi (http)  $default  2.0      -> OrdersFunction',
    ].join('\n'));
  });
});
