// SAM Auth.ResourcePolicy source-IP ranges through `emulate start-api` (process runner): requests sent from two loopback
// addresses (127.0.0.1 and 127.0.0.2), refused as API Gateway refuses them, before any authorizer or function runs.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, type RunningCli } from '../helpers/cli.js';

let tmp: string;
let captureDir: string;
let cli: RunningCli;

const count = (fn: string) => {
  const file = join(captureDir, `${fn}.jsonl`);
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).length : 0;
};

/** A GET sent from `from` (a loopback address) to the emulator. */
function get(path: string, from: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const url = new URL(path, cli.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, localAddress: from, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'emulate-resource-policy-'));
  captureDir = join(tmp, 'capture');
  mkdirSync(captureDir);
  const env = join(tmp, 'env.json');
  writeFileSync(env, JSON.stringify({ Parameters: { CAPTURE_DIR: captureDir } }));
  cli = await startCli(['start-api', '-t', 'fixtures/auth/resource-policy.yaml', '-p', '0', '--runner', 'process', '--env-vars', env]);
}, 60_000);
afterAll(async () => {
  if (cli && cli.child.exitCode === null) expect(await cli.stop()).toBe(0);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('Auth.ResourcePolicy IpRangeWhitelist / IpRangeBlacklist', () => {
  it('serves a whitelisted caller on a route without an authorizer', async () => {
    const res = await get('/Prod/open', '127.0.0.1');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).requestContext.identity.sourceIp).toBe('127.0.0.1');
  });

  it('refuses a caller outside the whitelist with 403 and API Gateway\'s resource-policy message, without invoking', async () => {
    const before = count('echo');
    const res = await get('/Prod/open', '127.0.0.2');
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toEqual({ Message: expect.stringMatching(/^User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:123456789012:\w+\/Prod\/GET\/open$/) });
    expect(count('echo')).toBe(before);
    expect(cli.stderr()).toMatch(/resource policy: 127\.0\.0\.2 is in no IpRangeWhitelist range/);
  });

  it('lets a Lambda authorizer\'s Allow outweigh the whitelist\'s implicit deny, as AWS\'s outcome table does', async () => {
    const res = await get('/Prod/guarded', '127.0.0.2', { authorization: 'allow-1' });
    expect(res.status).toBe(200);
  });

  it('refuses a blacklisted caller on the event\'s own ResourcePolicy with an explicit deny, before the authorizer runs', async () => {
    const [authorizer, echo] = [count('token-authorizer'), count('echo')];
    const res = await get('/Prod/blocked', '127.0.0.2', { authorization: 'allow-1' });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).Message).toMatch(/\/Prod\/GET\/blocked with an explicit deny$/);
    expect(count('token-authorizer')).toBe(authorizer);
    expect(count('echo')).toBe(echo);
    expect((await get('/Prod/blocked', '127.0.0.1', { authorization: 'allow-1' })).status).toBe(200);
  });
});
