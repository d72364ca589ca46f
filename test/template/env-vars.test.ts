// The --env-vars file: SAM's JSON format or dotenv, precedence over template values, and the lookup of a function's entry.
import { describe, expect, it } from 'vitest';
import { applyEnvVars, parseEnvVars, type FunctionSpec } from '../../src/template/index.js';

function fnSpec(logicalId: string, functionName: string, environment: Record<string, string>): FunctionSpec {
  return {
    logicalId, functionName, functionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    resourceType: 'AWS::Serverless::Function', packageType: 'Zip', runtime: 'nodejs22.x', handler: 'a.b',
    code: { kind: 'inline', source: '' }, timeoutSeconds: 3, memorySizeMb: 128, ephemeralStorageMb: 512,
    architecture: 'x86_64', environment, layers: [],
  };
}

describe('parseEnvVars', () => {
  it.each<[string, string, Record<string, string>, Record<string, Record<string, string>>]>([
    ['SAM\'s JSON with Parameters and a function', '{"Parameters":{"A":"1"},"Fn":{"B":"2"}}', { A: '1' }, { Fn: { B: '2' } }],
    ['JSON scalars, stringified as SAM does', '{"Fn":{"N":5,"T":true,"F":false,"Z":null}}', {}, { Fn: { N: '5', T: 'true', F: 'false', Z: '' } }],
    ['dotenv, as Parameters', '# comment\nA=1\nexport B="two words"\nC=\'single\'\nD=x # trailing\n', { A: '1', B: 'two words', C: 'single', D: 'x' }, {}],
  ])('reads %s', (_what, text, all, byFunction) => {
    const parsed = parseEnvVars(text, 'env.json');
    expect(parsed.all).toEqual(all);
    expect(Object.fromEntries(parsed.byFunction)).toEqual(byFunction);
  });

  it.each<[string, string, string]>([
    ['broken JSON', '{"Fn": {', 'not valid JSON: '],
    ['a JSON array', '[]', 'must be a JSON object such as {"Parameters"'],
    ['a function entry that is not an object', '{"Fn": "x"}', '"Fn" must be an object of variables'],
    ['a value that is an object', '{"Fn": {"A": {"b": 1}}}', 'the value of Fn.A must be a string, number or boolean'],
    ['a file with no variables', '# nothing\n', 'holds no variables'],
    ['a line that is neither', 'just words\n', 'line 1 is neither JSON nor a dotenv KEY=value line'],
  ])('rejects %s', (_what, text, why) => {
    expect(() => parseEnvVars(text, 'env.json')).toThrow(`invalid --env-vars file env.json: ${why}`);
  });
});

describe('applyEnvVars', () => {
  it('puts a function\'s own entry over Parameters over the template, and adds variables the template does not declare', () => {
    const functions = [fnSpec('Api', 'api-dev', { A: 'template', B: 'template', C: 'template' })];
    applyEnvVars(functions, parseEnvVars('{"Parameters":{"B":"all","D":"all"},"Api":{"C":"own","E":"own"}}', 'env.json'));
    expect(functions[0]!.environment).toEqual({ A: 'template', B: 'all', C: 'own', D: 'all', E: 'own' });
  });

  it.each<[string, string]>([
    ['the logical id', 'Api'],
    ['the SamResourceId', 'ApiResource'],
    ['the FunctionName', 'api-dev'],
  ])('finds a function\'s entry by %s', (_what, key) => {
    const functions = [fnSpec('Api', 'api-dev', {})];
    applyEnvVars(functions, parseEnvVars(`{"${key}":{"X":"1"}}`, 'env.json'), new Map([['Api', 'ApiResource']]));
    expect(functions[0]!.environment).toEqual({ X: '1' });
  });

  it('takes the first non-empty entry in SAM\'s order: logical id, then FunctionName', () => {
    const functions = [fnSpec('Api', 'api-dev', {})];
    applyEnvVars(functions, parseEnvVars('{"api-dev":{"X":"by-name"},"Api":{"X":"by-id"}}', 'env.json'));
    expect(functions[0]!.environment).toEqual({ X: 'by-id' });
  });

  it('returns a warning for an entry that matches no function', () => {
    const warnings = applyEnvVars([fnSpec('Api', 'Api', {})], parseEnvVars('{"Apii":{"X":"1"}}', 'env.json'));
    expect(warnings).toEqual(['env.json: "Apii" matches no function of the template (functions: Api); its variables are not used']);
  });
});
