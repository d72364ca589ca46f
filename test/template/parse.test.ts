// YAML short-form tags become CloudFormation's long forms, with positions kept; JSON and YAML anchors read the same way.
import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../../src/template/diagnostics.js';
import { parseTemplateText } from '../../src/template/parse.js';

function parse(text: string) {
  const diag = new Diagnostics('t.yaml');
  const parsed = parseTemplateText(text, diag);
  if (diag.errors.length) throw diag.errors[0];
  return parsed;
}

const valueOf = (yaml: string) => (parse(`V: ${yaml}\n`).root as { V: unknown }).V;

describe('short-form tags', () => {
  it.each<[string, unknown]>([
    ['!Ref Table', { Ref: 'Table' }],
    ['!Sub "arn:${AWS::Partition}:s3:::${Bucket}"', { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${Bucket}' }],
    ['!Sub ["${A}-${B}", { A: 1, B: !Ref B }]', { 'Fn::Sub': ['${A}-${B}', { A: 1, B: { Ref: 'B' } }] }],
    ['!GetAtt Table.Arn', { 'Fn::GetAtt': 'Table.Arn' }],
    ['!GetAtt [Table, StreamArn]', { 'Fn::GetAtt': ['Table', 'StreamArn'] }],
    ['!Join ["-", [a, !Ref B]]', { 'Fn::Join': ['-', ['a', { Ref: 'B' }]] }],
    ['!If [IsProd, 1, !Ref AWS::NoValue]', { 'Fn::If': ['IsProd', 1, { Ref: 'AWS::NoValue' }] }],
    ['!Equals [!Ref Stage, prod]', { 'Fn::Equals': [{ Ref: 'Stage' }, 'prod'] }],
    ['!And [!Condition A, !Condition B]', { 'Fn::And': [{ Condition: 'A' }, { Condition: 'B' }] }],
    ['!Or [!Condition A, !Condition B]', { 'Fn::Or': [{ Condition: 'A' }, { Condition: 'B' }] }],
    ['!Not [!Condition A]', { 'Fn::Not': [{ Condition: 'A' }] }],
    ['!Select [0, !GetAZs ""]', { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] }],
    ['!Split [",", "a,b"]', { 'Fn::Split': [',', 'a,b'] }],
    ['!FindInMap [Map, !Ref AWS::Region, Key]', { 'Fn::FindInMap': ['Map', { Ref: 'AWS::Region' }, 'Key'] }],
    ['!Base64 text', { 'Fn::Base64': 'text' }],
    ['!Base64 { "Fn::Sub": "x" }', { 'Fn::Base64': { 'Fn::Sub': 'x' } }],
    ['!ImportValue shared', { 'Fn::ImportValue': 'shared' }],
    ['!GetAZs us-west-2', { 'Fn::GetAZs': 'us-west-2' }],
    ['!Cidr ["10.0.0.0/16", 2, 8]', { 'Fn::Cidr': ['10.0.0.0/16', 2, 8] }],
    ['!Condition IsProd', { Condition: 'IsProd' }],
    ['!Transform { Name: AWS::Include, Parameters: { Location: x } }', { 'Fn::Transform': { Name: 'AWS::Include', Parameters: { Location: 'x' } } }],
  ])('reads %s as its long form', (yaml, expected) => {
    expect(valueOf(yaml)).toEqual(expected);
  });

  it('reads a block-sequence !Sub with a variables map', () => {
    const text = 'V: !Sub\n  - "${Name}-x"\n  - Name: !Ref AWS::StackName\n';
    expect((parse(text).root as { V: unknown }).V).toEqual({ 'Fn::Sub': ['${Name}-x', { Name: { Ref: 'AWS::StackName' } }] });
  });

  it('keeps the position of a tag (pointing at the tag) and of each map key', () => {
    const { root, positions } = parse('Resources:\n  Fn:\n    Handler: !Ref Handler\n');
    const fn = (root as { Resources: { Fn: { Handler: object } } }).Resources.Fn;
    expect(positions.entry(fn, 'Handler')).toEqual({ line: 3, col: 5 });
    expect(positions.of(fn.Handler)).toEqual({ line: 3, col: 14 });
  });
});

describe('YAML features and JSON', () => {
  it('resolves anchors, aliases and << merge keys, explicit keys winning', () => {
    const text = 'Base: &base { Runtime: nodejs22.x, Timeout: 3 }\nCopy: *base\nMerged:\n  <<: *base\n  Timeout: 10\n';
    expect(parse(text).root).toEqual({
      Base: { Runtime: 'nodejs22.x', Timeout: 3 },
      Copy: { Runtime: 'nodejs22.x', Timeout: 3 },
      Merged: { Runtime: 'nodejs22.x', Timeout: 10 },
    });
  });

  it('keeps a number key as written (an account id in Mappings)', () => {
    expect(parse('Accounts:\n  012345678901: { Env: dev }\n').root).toEqual({ Accounts: { '012345678901': { Env: 'dev' } } });
  });

  it('reads JSON with positions', () => {
    const { root, positions } = parse('{\n  "Resources": {\n    "Fn": { "Type": "AWS::Serverless::Function" }\n  }\n}\n');
    const resources = (root as { Resources: object }).Resources;
    expect(positions.entry(resources, 'Fn')).toEqual({ line: 3, col: 5 });
  });

  it('reports YAML that is not valid with its line and column', () => {
    const diag = new Diagnostics('t.yaml');
    parseTemplateText('A: [1, 2\nB: 3\n', diag);
    expect(diag.errors.map((e) => e.message)).toEqual([expect.stringMatching(/^t\.yaml:\d+:\d+: not valid YAML or JSON: /)]);
  });
});
