// --parameter-overrides parsing and parameter values: defaults, overrides, list types and constraints.
import { describe, expect, it } from 'vitest';
import { parseParameterOverrides } from '../../src/template/index.js';
import { fn, inline, inlineError } from './helpers.js';

describe('parseParameterOverrides', () => {
  it.each<[string, Record<string, string>]>([
    ['', {}],
    ['Stage=prod', { Stage: 'prod' }],
    ['Stage=prod Count=3', { Stage: 'prod', Count: '3' }],
    ['  Stage=prod   Count=3  ', { Stage: 'prod', Count: '3' }],
    ['ParameterKey=Stage,ParameterValue=prod', { Stage: 'prod' }],
    ['ParameterKey=Stage,ParameterValue=prod ParameterKey=Zones,ParameterValue=a,b', { Stage: 'prod', Zones: 'a,b' }],
    ['ParameterKey=Stage,ParameterValue=prod Count=3', { Stage: 'prod', Count: '3' }],
    ['Greeting="hello world" Name=\'it is\'', { Greeting: 'hello world', Name: 'it is' }],
    ['Path=a\\ b Quote="say \\"hi\\""', { Path: 'a b', Quote: 'say "hi"' }],
    ['Url=https://x.example/?a=b', { Url: 'https://x.example/?a=b' }],
    ['Empty=', { Empty: '' }],
    ['Stage=dev Stage=prod', { Stage: 'prod' }],
  ])('parses %j', (input, expected) => {
    expect(parseParameterOverrides(input)).toEqual(expected);
  });

  it.each<[string, string]>([
    ['Stage', 'cannot read "Stage"'],
    ['=prod', 'cannot read "=prod"'],
    ['Stage="prod', 'unterminated " quote'],
    ['Stage="prod"x', 'unexpected "x" after the value of Stage'],
  ])('rejects %j', (input, why) => {
    expect(() => parseParameterOverrides(input)).toThrow(
      `invalid --parameter-overrides: ${why} in "${input}" (expected "Key=Value Key2=Value2" or "ParameterKey=Key,ParameterValue=Value")`,
    );
  });
});

const header = 'Transform: AWS::Serverless-2016-10-31\n';

describe('parameter values', () => {
  it('takes Defaults, replaced by overrides, with list types split and trimmed', () => {
    const model = inline(
      `${header}Parameters:\n  Stage: { Type: String, Default: dev }\n  Zones: { Type: CommaDelimitedList, Default: "a, b" }\n  Ports: { Type: List<Number>, Default: "80,443" }\n  Size: { Type: Number, Default: 2 }\nResources:\n${fn('Hello')}\n`,
      { parameterOverrides: 'Stage=prod Ports=8080' },
    );
    expect(model.parameters).toEqual({ Stage: 'prod', Zones: ['a', 'b'], Ports: ['8080'], Size: '2' });
  });

  it('warns about an override that names no parameter', () => {
    const model = inline(`${header}Resources:\n${fn('Hello')}\n`, { parameterOverrides: 'Nope=1' });
    expect(model.warnings).toEqual(['inline.yaml: Parameters.Nope: --parameter-overrides sets "Nope", which is not a parameter of this template; ignored']);
  });

  it.each<[string, string, string]>([
    ['MinLength: 3', 'ab', 'is shorter than the MinLength of 3'],
    ['MaxLength: 3', 'abcd', 'is longer than the MaxLength of 3'],
    ['AllowedValues: [a, b]', 'c', 'is not one of the AllowedValues: a, b'],
    ['AllowedPattern: "[0-9]+"', '12a', 'does not match the AllowedPattern [0-9]+'],
  ])('rejects an override breaking %s', (constraint, value, why) => {
    const text = `${header}Parameters:\n  P:\n    Type: String\n    ${constraint}\nResources:\n${fn('Hello')}\n`;
    expect(inlineError(text, { parameterOverrides: { P: value } })).toBe(`inline.yaml:3:3: Parameters.P: value "${value}" (from --parameter-overrides) ${why}`);
  });

  it.each<[string, string, string]>([
    ['MinValue: 10', '9', 'is less than the MinValue of 10'],
    ['MaxValue: 10', '11', 'is more than the MaxValue of 10'],
  ])('rejects a Number override breaking %s', (constraint, value, why) => {
    const text = `${header}Parameters:\n  N:\n    Type: Number\n    ${constraint}\nResources:\n${fn('Hello')}\n`;
    expect(inlineError(text, { parameterOverrides: { N: value } })).toBe(`inline.yaml:3:3: Parameters.N: value "${value}" (from --parameter-overrides) ${why}`);
  });

  it('checks each item of a list parameter against AllowedValues', () => {
    const text = `${header}Parameters:\n  L:\n    Type: CommaDelimitedList\n    AllowedValues: [a, b]\n    Default: "a,c"\nResources:\n${fn('Hello')}\n`;
    expect(inlineError(text)).toBe('inline.yaml:3:3: Parameters.L: value "a,c" (its Default) is not one of the AllowedValues: a, b');
  });

  it('does not complain about a parameter without value that nothing uses', () => {
    const model = inline(`${header}Parameters:\n  Unused: { Type: String }\nResources:\n${fn('Hello')}\n`);
    expect(model.parameters).toEqual({});
    expect(model.warnings).toEqual([]);
  });
});
