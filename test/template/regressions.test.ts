// Template inputs the fuzzer found: each gives one coded, one-line error (or the right value), never a crash.
import { describe, expect, it } from 'vitest';
import { isEmulatorError } from '../../src/core/errors.js';
import { parseTemplate } from '../../src/template/index.js';

const fn = (extra = '') =>
  `Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src/\n      Handler: app.handler\n      Runtime: nodejs22.x\n${extra}`;

function errorOf(text: string): string {
  try {
    parseTemplate(text, { templatePath: 't.yaml' });
  } catch (err) {
    expect(isEmulatorError(err)).toBe(true);
    return (err as Error).message;
  }
  throw new Error('no error');
}

describe('template reader regressions', () => {
  it.each<[string, string, RegExp]>([
    ['an AllowedPattern that is not a regular expression', `Parameters:\n  P:\n    Type: String\n    Default: x\n    AllowedPattern: "("\n${fn()}`,
      /^t\.yaml:2:3: Parameters\.P: value "x" \(its Default\) cannot be checked: the AllowedPattern "\(" is not a valid regular expression$/],
    ['a parameter whose value is a map', `Parameters:\n  P:\n    Default: {a: 1}\n${fn()}`,
      /^t\.yaml:2:3: Parameters\.P: the value \(its Default\) must be a string or a number \(a list for List types\), not a map$/],
    ['a route path with a trailing slash', fn('      Events:\n        E:\n          Type: HttpApi\n          Properties:\n            Path: /hello/\n            Method: get\n'),
      /Events\.E\.Properties\.Path: "\/hello\/" has an empty segment; API Gateway accepts neither "\/\/" nor a trailing "\/"$/],
    ['a name with a line break', `Globals:\n  Api:\n    "a\\nb": 1\n${fn()}`, /^[^\n]+$/],
    ['nested aliases (a "billion laughs")', `Metadata:\n  l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n  l1: &l1 [*l0, *l0, *l0, *l0, *l0, *l0, *l0, *l0, *l0, *l0]\n  l2: &l2 [*l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1, *l1]\n  l3: &l3 [*l2, *l2, *l2, *l2, *l2, *l2, *l2, *l2, *l2, *l2]\n  l4: &l4 [*l3, *l3, *l3, *l3, *l3, *l3, *l3, *l3, *l3, *l3]\n  l5: &l5 [*l4, *l4, *l4, *l4, *l4, *l4, *l4, *l4, *l4, *l4]\n  l6: &l6 [*l5, *l5, *l5, *l5, *l5, *l5, *l5, *l5, *l5, *l5]\n${fn()}`,
      /YAML aliases expand to more than 100000 values; a template never needs that many$/],
  ])('refuses %s with one clear line', (_label, text, message) => {
    expect(errorOf(text)).toMatch(message);
  });

  it('keeps variables named like Object.prototype members', () => {
    const model = parseTemplate(fn('      Environment:\n        Variables:\n          __proto__: a\n          constructor: b\n'), { templatePath: 't.yaml' });
    expect(Object.entries(model.functions[0]!.environment)).toEqual([['__proto__', 'a'], ['constructor', 'b']]);
  });
});
