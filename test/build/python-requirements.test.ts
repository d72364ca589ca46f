// A Python function whose requirements.txt is not installed fails its init with a message saying how to install it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmulator } from '../../src/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('Python dependencies on the process runner', () => {
  it.each([
    ['with a requirements.txt names it and says how to install it', true, /No module named 'emulate_missing_dep'\. The function has a requirements\.txt that is not installed: run 'pip install -r requirements\.txt -t .+app'/],
    ['without a requirements.txt keeps Python\'s message alone', false, /^Unable to import module 'app': No module named 'emulate_missing_dep'$/],
  ])('an import that fails at init %s', async (_name, withRequirements, message) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'emulate-py-'));
    dirs.push(dir);
    mkdirSync(path.join(dir, 'app'));
    writeFileSync(path.join(dir, 'app', 'app.py'), 'import emulate_missing_dep\n\ndef handler(event, context):\n    return 1\n');
    if (withRequirements) writeFileSync(path.join(dir, 'app', 'requirements.txt'), 'emulate_missing_dep==1.0\n');
    writeFileSync(path.join(dir, 'template.yaml'), 'Transform: AWS::Serverless-2016-10-31\nResources:\n  Py:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: app/\n      Handler: app.handler\n      Runtime: python3.12\n');
    await using emu = await createEmulator({ template: path.join(dir, 'template.yaml'), runner: 'process', logLevel: 'silent', port: false, lambdaPort: false });
    const result = await emu.invoke('Py');
    expect(result.ok).toBe(false);
    expect(result.value).toMatchObject({ errorType: 'Runtime.ImportModuleError', errorMessage: expect.stringMatching(message) });
  });
});
