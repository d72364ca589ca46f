// Broken templates: each fails with one clear coded message naming file, line, column, resource and property.
import { describe, expect, it } from 'vitest';
import { isEmulatorError } from '../../src/core/errors.js';
import { TemplateErrors, readTemplate } from '../../src/template/index.js';
import { fixture, fn, inlineError } from './helpers.js';

async function failure(name: string, options: Parameters<typeof readTemplate>[1] = {}) {
  try {
    await readTemplate(fixture(`broken/${name}`), options);
  } catch (err) {
    if (!isEmulatorError(err)) throw err;
    return { code: err.code, message: err.message };
  }
  throw new Error(`${name} was accepted`);
}

describe('broken fixture templates', () => {
  it.each([
    ['invalid-yaml', 'EMU_TEMPLATE_SYNTAX', ':7:1: not valid YAML or JSON: All mapping items must start at the same column'],
    ['unknown-ref', 'EMU_TEMPLATE_UNKNOWN_REFERENCE', ':11:18: Resources.HelloFunction.Properties.Environment.Variables.TABLE: Ref "Nope" is not a parameter, resource or pseudo parameter of this template'],
    ['unknown-getatt', 'EMU_TEMPLATE_UNKNOWN_REFERENCE', ':11:23: Resources.HelloFunction.Properties.Environment.Variables.TARGET_ARN: Fn::GetAtt "Nope" is not a resource of this template'],
    ['missing-handler', 'EMU_TEMPLATE_MISSING_PROPERTY', ':5:5: Resources.HelloFunction.Properties.Handler: missing; a Zip function needs a Handler'],
    ['missing-codeuri', 'EMU_TEMPLATE_CODE_NOT_FOUND', ':8:7: Resources.HelloFunction.Properties.CodeUri: directory "./missing" does not exist'],
    ['ref-cycle', 'EMU_TEMPLATE_CYCLE', ':11:7: Resources.FunctionA.Properties.FunctionName: circular reference: Resources.FunctionA.Properties.FunctionName -> Resources.FunctionB.Properties.FunctionName -> Resources.FunctionA.Properties.FunctionName'],
    ['condition-cycle', 'EMU_TEMPLATE_CYCLE', ':3:3: Conditions.IsBlue: circular reference: conditions IsBlue -> IsGreen -> IsBlue'],
    ['unknown-tag', 'EMU_TEMPLATE_SYNTAX', ':7:16: unknown tag !Reff: CloudFormation has no such short form'],
    ['missing-dockerfile', 'EMU_TEMPLATE_CODE_NOT_FOUND', ':9:7: Resources.ImageFunction.Metadata.Dockerfile: file "Dockerfile.prod" does not exist'],
  ])('rejects %s with %s at the offending line and column', async (name, code, rest) => {
    expect(await failure(name)).toEqual({ code, message: `${fixture(`broken/${name}`)}${rest}` });
  });

  it('rejects a parameter override outside AllowedValues, pointing at the parameter', async () => {
    expect(await failure('bad-parameter', { parameterOverrides: 'Stage=qa' })).toEqual({
      code: 'EMU_TEMPLATE_BAD_PARAMETER',
      message: `${fixture('broken/bad-parameter')}:3:3: Parameters.Stage: value "qa" (from --parameter-overrides) is not one of the AllowedValues: dev, prod`,
    });
  });

  it('collects every error of a template into one error, in file order', async () => {
    const file = fixture('broken/many-errors');
    let caught: unknown;
    await readTemplate(file).catch((err: unknown) => { caught = err; });
    expect(caught).toBeInstanceOf(TemplateErrors);
    const err = caught as TemplateErrors;
    expect(err.code).toBe('EMU_TEMPLATE_INVALID');
    expect(err.errors.map((e) => e.code)).toEqual(['EMU_TEMPLATE_MISSING_PROPERTY', 'EMU_TEMPLATE_CODE_NOT_FOUND', 'EMU_TEMPLATE_UNKNOWN_REFERENCE']);
    expect(err.message).toBe([
      '3 errors in the template:',
      `  ${file}:5:5: Resources.NoHandlerFunction.Properties.Handler: missing; a Zip function needs a Handler`,
      `  ${file}:11:7: Resources.MissingCodeFunction.Properties.CodeUri: directory "./gone" does not exist`,
      `  ${file}:16:18: Resources.MissingCodeFunction.Properties.Environment.Variables.QUEUE: Ref "MissingQueue" is not a parameter, resource or pseudo parameter of this template`,
    ].join('\n'));
  });

  it('says when the template file does not exist', async () => {
    await expect(readTemplate('fixtures/templates/nowhere/template.yaml')).rejects.toMatchObject({
      code: 'EMU_TEMPLATE_NOT_FOUND',
      message: 'template file "fixtures/templates/nowhere/template.yaml" does not exist',
    });
  });

  it('says when the --env-vars file does not exist', async () => {
    await expect(readTemplate(fixture('hello-nodejs'), { envVarsFile: 'nowhere.json' })).rejects.toMatchObject({
      code: 'EMU_TEMPLATE_BAD_ENV_VARS',
      message: 'invalid --env-vars file nowhere.json: the file does not exist',
    });
  });
});

const header = 'Transform: AWS::Serverless-2016-10-31\n';

describe('inline templates with one mistake each', () => {
  it.each<[string, string, string]>([
    [
      'a Ref to a parameter that has no value',
      `${header}Parameters:\n  Table:\n    Type: String\nResources:\n${fn('Hello', 'Environment:', '  Variables:', '    TABLE: !Ref Table')}\n`,
      'inline.yaml:14:11: Resources.Hello.Properties.Environment.Variables.TABLE: parameter "Table" has no Default and no value in --parameter-overrides; the emulator needs this value',
    ],
    [
      'a required value that only AWS knows',
      `${header}Resources:\n${fn('Hello', 'Handler: !ImportValue shared-handler')}\n`,
      'inline.yaml:8:7: Resources.Hello.Properties.Handler: Fn::ImportValue "shared-handler" cannot be resolved locally (exports of other stacks are not available); a Zip function needs a Handler',
    ],
    [
      'a Fn::Sub placeholder naming nothing',
      `${header}Resources:\n${fn('Hello', 'FunctionName: !Sub "${Prefix}-hello"')}\n`,
      'inline.yaml:9:21: Resources.Hello.Properties.FunctionName: Fn::Sub "Prefix" is not a parameter, resource or pseudo parameter of this template',
    ],
    [
      'a Fn::If naming no condition',
      `${header}Resources:\n${fn('Hello', 'Timeout: !If [Fast, 3, 30]')}\n`,
      'inline.yaml:9:16: Resources.Hello.Properties.Timeout: Condition "Fast" is not a condition of this template',
    ],
    [
      'a resource Condition naming no condition',
      `${header}Resources:\n  Hello:\n    Type: AWS::Serverless::Function\n    Condition: Nope\n    Properties:\n      InlineCode: x\n      Handler: a.b\n      Runtime: nodejs22.x\n`,
      'inline.yaml:5:5: Resources.Hello.Condition: Condition "Nope" is not a condition of this template',
    ],
    [
      'a Fn::FindInMap key that is not in the map',
      `${header}Mappings:\n  Sizes:\n    small: { Memory: 256 }\nResources:\n${fn('Hello', 'MemorySize: !FindInMap [Sizes, large, Memory]')}\n`,
      'inline.yaml:12:19: Resources.Hello.Properties.MemorySize: Fn::FindInMap: Mappings.Sizes has no key "large"',
    ],
    [
      'a Fn::Select index out of range',
      `${header}Resources:\n${fn('Hello', 'Handler: !Select [3, [a, b]]')}\n`,
      'inline.yaml:8:16: Resources.Hello.Properties.Handler: Fn::Select index 3 is out of range for a list of 2',
    ],
    [
      'a Timeout beyond Lambda\'s 900 seconds',
      `${header}Resources:\n${fn('Hello', 'Timeout: 901')}\n`,
      'inline.yaml:9:7: Resources.Hello.Properties.Timeout: must be a whole number from 1 to 900, not 901',
    ],
    [
      'two architectures',
      `${header}Resources:\n${fn('Hello', 'Architectures: [x86_64, arm64]')}\n`,
      'inline.yaml:9:7: Resources.Hello.Properties.Architectures: must list exactly one of x86_64, arm64, not x86_64, arm64',
    ],
    [
      'an unknown PackageType',
      `${header}Resources:\n${fn('Hello', 'PackageType: Jar')}\n`,
      'inline.yaml:9:7: Resources.Hello.Properties.PackageType: "Jar" is not one of Zip, Image',
    ],
    [
      'an Image function with neither ImageUri nor Metadata',
      `${header}Resources:\n  Hello:\n    Type: AWS::Serverless::Function\n    Properties:\n      PackageType: Image\n`,
      'inline.yaml:5:5: Resources.Hello.Properties.ImageUri: missing; an Image function needs ImageUri, or Metadata with DockerContext and Dockerfile to build it',
    ],
    [
      'a missing Runtime on a Zip function',
      `${header}Resources:\n  Hello:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.handler\n`,
      'inline.yaml:5:5: Resources.Hello.Properties.Runtime: missing; a Zip function needs a Runtime',
    ],
    [
      'a property Globals cannot set',
      `${header}Globals:\n  Function:\n    FunctionName: shared\nResources:\n${fn('Hello')}\n`,
      'inline.yaml:4:5: Globals.Function.FunctionName: "FunctionName" cannot be set in Globals.Function',
    ],
    [
      'an unknown Globals section',
      `${header}Globals:\n  Lambda:\n    Timeout: 3\nResources:\n${fn('Hello')}\n`,
      'inline.yaml:3:3: Globals.Lambda: "Lambda" is not a Globals section; the sections are Function, Api, HttpApi, SimpleTable, StateMachine, LayerVersion, CapacityProvider, WebSocketApi',
    ],
    [
      'a template without Resources',
      'AWSTemplateFormatVersion: "2010-09-09"\n',
      'inline.yaml:1:1: Resources: missing; a template needs a Resources section',
    ],
    [
      'a duplicate key',
      `${header}Resources:\n${fn('Hello', 'Timeout: 3', 'Timeout: 4')}\n`,
      'inline.yaml:10:7: not valid YAML or JSON: Map keys must be unique',
    ],
    [
      'an Api event without a Path',
      `${header}Resources:\n${fn('Hello', 'Events:', '  Get:', '    Type: Api', '    Properties:', '      Method: get')}\n`,
      'inline.yaml:12:11: Resources.Hello.Properties.Events.Get.Properties.Path: missing; an Api event needs a Path',
    ],
    [
      'an HttpApi event with a Path but no Method',
      `${header}Resources:\n${fn('Hello', 'Events:', '  Get:', '    Type: HttpApi', '    Properties:', '      Path: /x')}\n`,
      'inline.yaml:12:11: Resources.Hello.Properties.Events.Get.Properties.Method: missing; an HttpApi event needs both Path and Method, or neither (for the $default route)',
    ],
    [
      'an unknown HTTP method',
      `${header}Resources:\n${fn('Hello', 'Events:', '  Get:', '    Type: Api', '    Properties:', '      Path: /x', '      Method: fetch')}\n`,
      'inline.yaml:14:13: Resources.Hello.Properties.Events.Get.Properties.Method: "FETCH" is not an HTTP method (or ANY)',
    ],
    [
      'a RestApiId naming no API',
      `${header}Resources:\n${fn('Hello', 'Events:', '  Get:', '    Type: Api', '    Properties:', '      RestApiId: OtherApi', '      Path: /x', '      Method: get')}\n`,
      'inline.yaml:13:13: Resources.Hello.Properties.Events.Get.Properties.RestApiId: must name an AWS::Serverless::Api of this template, and "OtherApi" is not one',
    ],
    [
      'an AWS::Serverless::Api without StageName',
      `${header}Resources:\n  MyApi:\n    Type: AWS::Serverless::Api\n    Properties:\n      Cors: "'*'"\n${fn('Hello', 'Events:', '  Get:', '    Type: Api', '    Properties:', '      RestApiId: !Ref MyApi', '      Path: /x', '      Method: get')}\n`,
      'inline.yaml:5:5: Resources.MyApi.Properties.StageName: missing; an AWS::Serverless::Api needs a StageName',
    ],
    [
      'an unquoted REST Cors string',
      `${header}Globals:\n  Api:\n    Cors: "*"\nResources:\n${fn('Hello', 'Events:', '  Get:', '    Type: Api', '    Properties:', '      Path: /x', '      Method: get')}\n`,
      `inline.yaml:4:5: Globals.Api.Cors: "*" must be a quoted string ("'*'" is correct, "*" is not)`,
    ],
    [
      'an unknown CorsConfiguration key',
      `${header}Globals:\n  HttpApi:\n    CorsConfiguration:\n      AllowOrigin: ["*"]\nResources:\n${fn('Hello', 'Events:', '  Get:', '    Type: HttpApi')}\n`,
      'inline.yaml:5:7: Globals.HttpApi.CorsConfiguration.AllowOrigin: is not a CORS setting; the settings are AllowOrigins, AllowMethods, AllowHeaders, ExposeHeaders, AllowCredentials, MaxAge',
    ],
    [
      'the same route twice on one API',
      `${header}Resources:\n${fn('A', 'Events:', '  Get:', '    Type: HttpApi', '    Properties: { Path: /x, Method: GET }')}\n${fn('B', 'Events:', '  Again:', '    Type: HttpApi', '    Properties: { Path: /x, Method: get }')}\n`,
      'inline.yaml:20:9: Resources.B.Properties.Events.Again: route "GET /x" of ServerlessHttpApi is already defined by A.Events.Get',
    ],
    [
      'a Number parameter that is not a number',
      `${header}Parameters:\n  Size:\n    Type: Number\n    Default: big\nResources:\n${fn('Hello')}\n`,
      'inline.yaml:3:3: Parameters.Size: value "big" (its Default) is not a number, as Type Number requires',
    ],
    [
      'an AllowedPattern mismatch',
      `${header}Parameters:\n  Name:\n    Type: String\n    Default: Bad Name\n    AllowedPattern: "[a-z-]+"\nResources:\n${fn('Hello')}\n`,
      'inline.yaml:3:3: Parameters.Name: value "Bad Name" (its Default) does not match the AllowedPattern [a-z-]+',
    ],
    [
      'a malformed Fn::GetAtt',
      `${header}Resources:\n${fn('Hello', 'Handler: !GetAtt NoDot')}\n`,
      'inline.yaml:8:16: Resources.Hello.Properties.Handler: Fn::GetAtt expects "Resource.Attribute" or [Resource, Attribute]',
    ],
    [
      'an unknown Fn:: function',
      `${header}Resources:\n${fn('Hello', 'Handler: { "Fn::Concat": [a, b] }')}\n`,
      'inline.yaml:8:16: Resources.Hello.Properties.Handler: Fn::Concat is not an intrinsic function',
    ],
    [
      'a DependsOn naming no resource',
      `${header}Resources:\n  Hello:\n    Type: AWS::Serverless::Function\n    DependsOn: Table\n    Properties:\n      InlineCode: x\n      Handler: a.b\n      Runtime: nodejs22.x\n`,
      'inline.yaml:5:5: Resources.Hello.DependsOn: DependsOn "Table" is not a resource of this template',
    ],
  ])('rejects %s', (_what, text, message) => {
    expect(inlineError(text)).toBe(message);
  });

  it('rejects an unknown reference even in a resource the emulator does not run', () => {
    const text = `${header}Resources:\n  Table:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      TableName: !Ref Missing\n`;
    expect(inlineError(text)).toBe('inline.yaml:6:18: Resources.Table.Properties.TableName: Ref "Missing" is not a parameter, resource or pseudo parameter of this template');
  });
});
