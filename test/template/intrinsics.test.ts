// Intrinsic functions, pseudo parameters, conditions and typed references, each resolved inside a function's variable.
import { describe, expect, it } from 'vitest';
import { fn, inline } from './helpers.js';

const PRELUDE = `Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage: { Type: String, Default: dev }
  Count: { Type: Number, Default: 3 }
  Zones: { Type: CommaDelimitedList, Default: "a, b ,c" }
  Sizes: { Type: List<Number>, Default: "1,2" }
Mappings:
  Regions:
    us-east-1: { Ami: ami-123, Zones: [x, y] }
Conditions:
  IsDev: !Equals [!Ref Stage, dev]
  IsProd: !Equals [prod, !Ref Stage]
  DevOrProd: !Or [!Condition IsDev, !Condition IsProd]
  DevAndProd: !And [!Condition IsDev, !Condition IsProd]
  NotProd: !Not [!Condition IsProd]
  CountIsThree: !Equals [!Ref Count, "3"]
`;

/** Resolves `expr` as the value of variable X of a function, with `resources` beside it. */
function variable(expr: string, resources = '', options: Parameters<typeof inline>[1] = {}): string | undefined {
  const model = inline(`${PRELUDE}Resources:\n${fn('Subject', 'Environment:', '  Variables:', `    X: ${expr}`)}\n${resources}`, options);
  return model.functions.find((f) => f.logicalId === 'Subject')!.environment.X;
}

describe('intrinsic functions', () => {
  it.each<[string, string]>([
    ['!Ref Stage', 'dev'],
    ['!Ref Count', '3'],
    ['!Join [",", !Ref Zones]', 'a,b,c'],
    ['!Join [",", !Ref Sizes]', '1,2'],
    ['!Sub "${Stage}-${AWS::Region}"', 'dev-us-east-1'],
    ['!Sub ["${A}/${Stage}", { A: !Ref Count }]', '3/dev'],
    ['!Sub "keep ${!Literal} and ${ Stage }"', 'keep ${Literal} and dev'],
    ['!Sub "${Subject.Arn}"', 'arn:aws:lambda:us-east-1:123456789012:function:Subject'],
    ['!Join ["", [a, !Ref Stage, 1, true]]', 'adev1true'],
    ['!Select [1, !Ref Zones]', 'b'],
    ['!Select ["0", [first, second]]', 'first'],
    ['!Join ["|", !Split ["/", "a/b/c"]]', 'a|b|c'],
    ['!FindInMap [Regions, !Ref AWS::Region, Ami]', 'ami-123'],
    ['!Join [",", !FindInMap [Regions, !Ref AWS::Region, Zones]]', 'x,y'],
    ['{ "Fn::FindInMap": [Regions, nowhere, Ami, { DefaultValue: fallback }] }', 'fallback'],
    ['!Base64 "hello world"', 'aGVsbG8gd29ybGQ='],
    ['!Join [",", !GetAZs ""]', 'us-east-1a,us-east-1b,us-east-1c'],
    ['!Join [",", !GetAZs eu-west-1]', 'eu-west-1a,eu-west-1b,eu-west-1c'],
    ['!Join [",", !Cidr ["10.0.0.0/16", 3, 8]]', '10.0.0.0/24,10.0.1.0/24,10.0.2.0/24'],
    ['!Join [",", !Cidr ["192.168.0.0/24", 2, 5]]', '192.168.0.0/27,192.168.0.32/27'],
    ['!If [IsDev, yes, no]', 'yes'],
    ['!If [IsProd, yes, no]', 'no'],
    ['!If [DevOrProd, yes, no]', 'yes'],
    ['!If [DevAndProd, yes, no]', 'no'],
    ['!If [NotProd, yes, no]', 'yes'],
    ['!If [CountIsThree, yes, no]', 'yes'],
    ['{ "Fn::Length": [a, b, c] }', '3'],
    ['{ "Fn::ToJsonString": { a: [1, true] } }', '{"a":[1,true]}'],
    ['!Ref AWS::AccountId', '123456789012'],
    ['!Ref AWS::Partition', 'aws'],
    ['!Ref AWS::URLSuffix', 'amazonaws.com'],
    ['!Ref AWS::StackName', 'local'],
    ['!Ref AWS::StackId', 'arn:aws:cloudformation:us-east-1:123456789012:stack/local/51af3dc0-da77-11e4-872e-1234567db123'],
    ['!Ref Subject', 'Subject'],
    ['!GetAtt SubjectRole.Arn', 'arn:aws:iam::123456789012:role/SubjectRole'],
  ])('resolves %s to %s', (expr, expected) => {
    expect(variable(expr)).toBe(expected);
  });

  it('removes a variable whose value is AWS::NoValue', () => {
    expect(variable('!If [IsProd, on, !Ref AWS::NoValue]')).toBeUndefined();
  });

  it('removes a list item whose value is AWS::NoValue', () => {
    const model = inline(`${PRELUDE}Resources:\n${fn('Subject', 'Architectures: [!If [IsProd, x86_64, !Ref AWS::NoValue], arm64]')}\n`);
    expect(model.functions[0]!.architecture).toBe('arm64');
  });

  it('follows parameter overrides into conditions', () => {
    expect(variable('!If [IsProd, yes, no]', '', { parameterOverrides: { Stage: 'prod' } })).toBe('yes');
  });
});

describe('references by resource type', () => {
  it.each<[string, string, string, string]>([
    ['AWS::Serverless::Function', 'FunctionName: named-fn\n      InlineCode: x\n      Handler: a.b\n      Runtime: nodejs22.x', '!GetAtt Target.Arn', 'arn:aws:lambda:us-east-1:123456789012:function:named-fn'],
    ['AWS::Serverless::Function', 'InlineCode: x\n      Handler: a.b\n      Runtime: nodejs22.x', '!Ref Target', 'Target'],
    ['AWS::DynamoDB::Table', 'TableName: orders', '!GetAtt Target.Arn', 'arn:aws:dynamodb:us-east-1:123456789012:table/orders'],
    ['AWS::Serverless::SimpleTable', 'TableName: !Sub "${Stage}-t"', '!Ref Target', 'dev-t'],
    ['AWS::SQS::Queue', 'QueueName: jobs', '!Ref Target', 'https://sqs.us-east-1.amazonaws.com/123456789012/jobs'],
    ['AWS::SQS::Queue', 'QueueName: jobs', '!GetAtt Target.QueueName', 'jobs'],
    ['AWS::SNS::Topic', 'TopicName: alerts', '!Ref Target', 'arn:aws:sns:us-east-1:123456789012:alerts'],
    ['AWS::S3::Bucket', 'BucketName: my-bucket', '!GetAtt Target.Arn', 'arn:aws:s3:::my-bucket'],
    ['AWS::S3::Bucket', 'BucketName: my-bucket', '!GetAtt Target.RegionalDomainName', 'my-bucket.s3.us-east-1.amazonaws.com'],
    ['AWS::IAM::Role', 'RoleName: runner', '!GetAtt Target.Arn', 'arn:aws:iam::123456789012:role/runner'],
    ['AWS::Serverless::StateMachine', 'Name: flow', '!Ref Target', 'arn:aws:states:us-east-1:123456789012:stateMachine:flow'],
    ['AWS::Kinesis::Stream', 'Name: clicks', '!GetAtt Target.Arn', 'arn:aws:kinesis:us-east-1:123456789012:stream/clicks'],
    ['AWS::Events::EventBus', 'Name: bus', '!GetAtt Target.Arn', 'arn:aws:events:us-east-1:123456789012:event-bus/bus'],
    ['AWS::Logs::LogGroup', 'LogGroupName: /app', '!GetAtt Target.Arn', 'arn:aws:logs:us-east-1:123456789012:log-group:/app:*'],
    ['AWS::SecretsManager::Secret', 'Name: db', '!Ref Target', 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db'],
    ['AWS::SSM::Parameter', 'Name: /cfg\n      Type: String\n      Value: !Sub "v-${Stage}"', '!GetAtt Target.Value', 'v-dev'],
    ['AWS::Serverless::LayerVersion', 'LayerName: deps\n      ContentUri: layer/', '!Ref Target', 'arn:aws:lambda:us-east-1:123456789012:layer:deps:1'],
    ['AWS::Serverless::HttpApi', '{}', '!GetAtt Target.ApiEndpoint', expect.stringMatching(/^https:\/\/[a-z0-9]{10}\.execute-api\.us-east-1\.amazonaws\.com$/) as unknown as string],
    ['AWS::Serverless::Api', 'StageName: v1', '!GetAtt Target.RootResourceId', '/'],
    ['AWS::EC2::VPC', 'CidrBlock: 10.0.0.0/16', '!GetAtt Target.Arn', 'arn:aws:ec2:us-east-1:123456789012:vpc/Target'],
  ])('resolves a reference to an %s (%s) with %s', (type, properties, expr, expected) => {
    const props = properties === '{}' ? '    Properties: {}' : `    Properties:\n      ${properties}`;
    expect(variable(expr, `  Target:\n    Type: ${type}\n${props}\n`)).toEqual(expected);
  });

  it('warns about an attribute known only after deployment and sets the variable to ""', () => {
    const model = inline(`${PRELUDE}Resources:\n${fn('Subject', 'Environment:', '  Variables:', '    X: !GetAtt Db.Endpoint.Address')}\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties: {}\n`);
    expect(model.functions[0]!.environment.X).toBe('');
    expect(model.warnings).toEqual([
      'inline.yaml:26:11: Resources.Subject.Properties.Environment.Variables.X: "Db.Endpoint.Address" is known only after deployment; the variable is set to ""',
    ]);
  });

  it('warns about a reference to a resource its condition leaves out', () => {
    const model = inline(`${PRELUDE}Resources:\n${fn('Subject', 'Environment:', '  Variables:', '    X: !Ref ProdTable')}\n  ProdTable:\n    Type: AWS::DynamoDB::Table\n    Condition: IsProd\n    Properties: {}\n`);
    expect(model.functions[0]!.environment.X).toBe('');
    expect(model.warnings).toEqual([
      'inline.yaml:26:11: Resources.Subject.Properties.Environment.Variables.X: resource "ProdTable" is left out because condition "IsProd" is false; the variable is set to ""',
    ]);
  });

  it('warns about an SSM parameter type, which needs AWS to resolve', () => {
    const model = inline(`Transform: AWS::Serverless-2016-10-31\nParameters:\n  Latest:\n    Type: AWS::SSM::Parameter::Value<String>\n    Default: /app/version\nResources:\n${fn('Subject', 'Environment:', '  Variables:', '    X: !Ref Latest')}\n`);
    expect(model.warnings).toEqual([
      'inline.yaml:15:11: Resources.Subject.Properties.Environment.Variables.X: parameter "Latest" reads SSM parameter "/app/version", which is not available locally (pass its value in --parameter-overrides); the variable is set to ""',
    ]);
  });

  it('gives the stage name for SAM\'s !Ref Api.Stage form', () => {
    expect(variable('!Ref Api.Stage', '  Api:\n    Type: AWS::Serverless::Api\n    Properties: { StageName: beta }\n')).toBe('beta');
  });

  it('gives the alias ARN for SAM\'s !Ref Function.Alias form', () => {
    const model = inline(`${PRELUDE}Resources:\n${fn('Subject', 'AutoPublishAlias: live', 'Environment:', '  Variables:', '    X: !Ref Subject.Alias')}\n`);
    expect(model.functions[0]!.environment.X).toBe('arn:aws:lambda:us-east-1:123456789012:function:Subject:live');
  });
});
