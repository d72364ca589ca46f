// Globals merged by SAM's rules: resource scalars win, maps merge, lists concatenate (global first), intrinsics count as scalars.
import { describe, expect, it } from 'vitest';
import { fn, inline } from './helpers.js';

const header = 'Transform: AWS::Serverless-2016-10-31\n';

function withGlobals(globals: string, ...properties: string[]) {
  return inline(`${header}Globals:\n${globals}\nResources:\n${fn('Hello', ...properties)}\n`).functions[0]!;
}

describe('Globals.Function', () => {
  it('fills in properties the function does not set', () => {
    const hello = withGlobals('  Function:\n    Timeout: 30\n    MemorySize: 512\n    Runtime: python3.12', 'Timeout: 5');
    expect(hello).toMatchObject({ timeoutSeconds: 5, memorySizeMb: 512, runtime: 'nodejs22.x' });
  });

  it('merges Environment.Variables key by key, the function winning', () => {
    const hello = withGlobals(
      '  Function:\n    Environment:\n      Variables:\n        A: global\n        B: global',
      'Environment:', '  Variables:', '    B: local', '    C: local',
    );
    expect(hello.environment).toEqual({ A: 'global', B: 'local', C: 'local' });
  });

  it('puts global layers before the function\'s own', () => {
    const hello = withGlobals('  Function:\n    Layers: [arn:aws:lambda:us-east-1:1:layer:g:1]', 'Layers: [arn:aws:lambda:us-east-1:1:layer:l:1]');
    expect(hello.layers.map((l) => l.arn)).toEqual(['arn:aws:lambda:us-east-1:1:layer:g:1', 'arn:aws:lambda:us-east-1:1:layer:l:1']);
  });

  it('treats an intrinsic as a scalar: the function\'s !If replaces the global map', () => {
    const hello = inline(`${header}Conditions:\n  Never: !Equals [a, b]\nGlobals:\n  Function:\n    Environment:\n      Variables: { A: global }\nResources:\n${fn('Hello', 'Environment: !If [Never, { Variables: { B: x } }, { Variables: { C: y } }]')}\n`).functions[0]!;
    expect(hello.environment).toEqual({ C: 'y' });
  });

  it('lets a function leave out named globals, or all of them, with IgnoreGlobals', () => {
    const text = (ignore: string) => `${header}Globals:\n  Function:\n    Timeout: 30\n    MemorySize: 512\nResources:\n  Hello:\n    Type: AWS::Serverless::Function\n    IgnoreGlobals: ${ignore}\n    Properties: { CodeUri: src/, Handler: a.b, Runtime: nodejs22.x }\n`;
    expect(inline(text('[Timeout]')).functions[0]).toMatchObject({ timeoutSeconds: 3, memorySizeMb: 512 });
    expect(inline(text('"*"')).functions[0]).toMatchObject({ timeoutSeconds: 3, memorySizeMb: 128 });
  });

  it('does not apply to AWS::Lambda::Function', () => {
    const model = inline(`${header}Globals:\n  Function:\n    Timeout: 30\nResources:\n  Plain:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: nodejs22.x\n      Handler: index.handler\n      Code: { ZipFile: "exports.handler = async () => 1" }\n`);
    expect(model.functions[0]!.timeoutSeconds).toBe(3);
  });
});

describe('Globals.Api and Globals.HttpApi', () => {
  it('apply to both the implicit and the explicit APIs', () => {
    const model = inline(`${header}Globals:
  Api:
    Variables: { FROM: globals }
  HttpApi:
    StageVariables: { FROM: globals }
Resources:
  Rest:
    Type: AWS::Serverless::Api
    Properties:
      StageName: v1
      Variables: { OWN: rest }
${fn('Hello', 'Events:', '  A: { Type: Api, Properties: { Path: /a, Method: get } }', '  B: { Type: Api, Properties: { Path: /b, Method: get, RestApiId: !Ref Rest } }', '  C: { Type: HttpApi }')}
`);
    expect(model.apis.map((a) => [a.logicalId, a.stageVariables])).toEqual([
      ['ServerlessRestApi', { FROM: 'globals' }],
      ['ServerlessHttpApi', { FROM: 'globals' }],
      ['Rest', { FROM: 'globals', OWN: 'rest' }],
    ]);
  });
});
