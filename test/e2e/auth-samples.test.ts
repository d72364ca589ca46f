// Real SAM templates with authorizers, run unchanged through `emulate start-api` (CLI, process runner): SAM CLI's own
// Lambda authorizer test data (Python handlers) and the aws-samples HTTP API with a Cognito JWT authorizer (fixtures/samples).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APIGatewayProxyEventV2Schema } from '@aws-lambda-powertools/parser/schemas';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, type RunningCli } from '../helpers/cli.js';

const SAM_CLI = 'fixtures/samples/sam-cli-lambda-authorizers';
const SESSIONS = 'fixtures/samples/sessions-http-api-jwt/template.yaml';

/** Starts the CLI, runs the checks, stops it (exit code 0) whatever happened. */
async function withCli(args: string[], run: (cli: RunningCli) => Promise<void>): Promise<void> {
  const cli = await startCli(['start-api', '-p', '0', '--runner', 'process', ...args]);
  try {
    await run(cli);
  } finally {
    expect(await cli.stop()).toBe(0);
  }
}

async function get(cli: RunningCli, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${cli.url}${path}`, { headers });
  return { status: res.status, text: await res.text() };
}

describe('SAM CLI test data: REST Lambda authorizers (serverless-api-props.yaml, Python handlers)', () => {
  const template = `${SAM_CLI}/serverless-api-props.yaml`;

  it('TOKEN (the default): the authorizer\'s allow-all policy lets the request through with its context; no header is 401', async () => {
    await withCli(['-t', template], async (cli) => {
      expect(cli.stderr()).toMatch(/1 route\(s\) guarded by Token \(lambda-token\)/);
      const ok = await get(cli, '/api/requestauthorizer', { header: 'myheader' });
      expect(ok).toEqual({ status: 200, text: '{"message": "from authorizer"}' });
      expect(await get(cli, '/api/requestauthorizer')).toEqual({ status: 401, text: '{"message":"Unauthorized"}' });
    });
  }, 60_000);

  it('REQUEST (AuthOverride=Request): needs both the header and the query string identity source', async () => {
    await withCli(['-t', template, '--parameter-overrides', 'AuthOverride=Request'], async (cli) => {
      expect(await get(cli, '/api/requestauthorizer?query=1', { header: 'h' })).toEqual({ status: 200, text: '{"message": "from authorizer"}' });
      expect((await get(cli, '/api/requestauthorizer', { header: 'h' })).status).toBe(401);
      expect((await get(cli, '/api/requestauthorizer?query=1')).status).toBe(401);
    });
  }, 60_000);

  it('the deny-all policy of app.unauth answers 403: its Deny names the placeholder ARN <<restApiId>>/<<stage>>, so no statement matches (implicit deny)', async () => {
    await withCli(['-t', template, '--parameter-overrides', 'AuthHandler=app.unauth'], async (cli) => {
      expect(await get(cli, '/api/requestauthorizer', { header: 'h' })).toEqual({ status: 403, text: '{"message":"User is not authorized to access this resource"}' });
    });
  }, 60_000);

  it('an authorizer that raises (AuthHandler=app.throws_exception) answers 500 and logs the cause', async () => {
    await withCli(['-t', template, '--parameter-overrides', 'AuthHandler=app.throws_exception'], async (cli) => {
      expect(await get(cli, '/api/requestauthorizer', { header: 'h' })).toEqual({ status: 500, text: '{"message":null}' });
      expect(cli.stderr()).toMatch(/request refused: authorizer Token: the function failed: Exception/);
    });
  }, 60_000);
});

describe('SAM CLI test data: HTTP API Lambda authorizers (serverless-http-props.yaml, named stage "http")', () => {
  const template = `${SAM_CLI}/serverless-http-props.yaml`;

  it.each([
    ['RequestAuthorizerV2 (payload 2.0, IAM policy)', 'RequestAuthorizerV2'],
    ['RequestAuthorizerV1 (payload 1.0, IAM policy)', 'RequestAuthorizerV1'],
    ['RequestAuthorizerV2Simple (simple responses)', 'RequestAuthorizerV2Simple'],
  ])('%s passes its context to the function as authorizer.lambda; a missing identity source is 401', async (_, authorizer) => {
    await withCli(['-t', template, '--parameter-overrides', `AuthOverride=${authorizer}`], async (cli) => {
      expect(await get(cli, '/http/requestauthorizer?query=1', { header: 'h' })).toEqual({ status: 200, text: '{"message": "from authorizer"}' });
      expect(await get(cli, '/http/requestauthorizer', { header: 'h' })).toEqual({ status: 401, text: '{"message":"Unauthorized"}' });
    });
  }, 60_000);

  it('a simple response with isAuthorized false (AuthSimpleHandler=app.unauthv2) answers 403 {"message":"Forbidden"}', async () => {
    await withCli(['-t', template, '--parameter-overrides', 'AuthOverride=RequestAuthorizerV2Simple AuthSimpleHandler=app.unauthv2'], async (cli) => {
      expect(await get(cli, '/http/requestauthorizer?query=1', { header: 'h' })).toEqual({ status: 403, text: '{"message":"Forbidden"}' });
    });
  }, 60_000);
});

describe('aws-samples sessions-with-aws-sam http-api: Cognito JWT authorizer with scopes', () => {
  const POOL = 'us-east-1_SamplePool';
  const ISSUER = `https://cognito-idp.us-east-1.amazonaws.com/${POOL}`;
  const CLIENT = 'client123';
  let tmp: string;
  let key: CryptoKey;
  let other: CryptoKey;
  beforeAll(async () => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    key = pair.privateKey;
    other = (await generateKeyPair('RS256')).privateKey;
    tmp = mkdtempSync(join(tmpdir(), 'emulate-auth-samples-'));
    writeFileSync(join(tmp, 'jwks.json'), JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'pool-key', alg: 'RS256', use: 'sig' }] }));
  });
  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  /** A Cognito access token: no aud, client_id and space-separated scope. */
  const accessToken = (scope: string, options: { signer?: CryptoKey; clientId?: string } = {}) =>
    new SignJWT({ client_id: options.clientId ?? CLIENT, token_use: 'access', scope, sub: 'user-1', username: 'ann' })
      .setProtectedHeader({ alg: 'RS256', kid: 'pool-key' })
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(options.signer ?? key);

  it('serves the template unchanged: open routes, the authorizer\'s scope, per-route scopes, client_id as audience', async () => {
    await withCli(['-t', SESSIONS, '--parameter-overrides', `UserPoolId=${POOL} Audience=${CLIENT}`, '--jwks-override', `${ISSUER}=${join(tmp, 'jwks.json')}`], async (cli) => {
      expect((await get(cli, '/')).status).toBe(200);
      expect((await get(cli, '/anything/else')).status).toBe(200);
      expect(await get(cli, '/simple')).toEqual({ status: 401, text: '{"message":"Unauthorized"}' });

      const simple = await get(cli, '/simple', { authorization: `Bearer ${await accessToken('email openid')}` });
      expect(simple.status).toBe(200);
      const event = JSON.parse(simple.text) as { requestContext: { authorizer: { jwt: { claims: Record<string, string>; scopes: string[] } } } };
      expect(APIGatewayProxyEventV2Schema.safeParse(event).success).toBe(true);
      expect(event.requestContext.authorizer.jwt).toEqual({ claims: expect.objectContaining({ client_id: CLIENT, username: 'ann', iss: ISSUER, token_use: 'access' }), scopes: ['email', 'openid'] });

      // The authorizer's AuthorizationScopes (email) guard /simple; the routes' own scopes replace them.
      expect((await get(cli, '/simple', { authorization: await accessToken('openid') })).status).toBe(403);
      expect((await get(cli, '/admin', { authorization: await accessToken('email') })).status).toBe(403);
      expect((await get(cli, '/admin', { authorization: await accessToken(`Admins-${CLIENT}`) })).status).toBe(200);
      expect((await get(cli, '/su', { authorization: await accessToken(`Admins-${CLIENT}`) })).status).toBe(403);
      expect((await get(cli, '/both', { authorization: await accessToken(`SU-${CLIENT}`) })).status).toBe(200);

      expect((await get(cli, '/simple', { authorization: await accessToken('email', { clientId: 'another-client' }) })).status).toBe(401);
      expect((await get(cli, '/simple', { authorization: await accessToken('email', { signer: other }) })).status).toBe(401);
    });
  }, 60_000);
});
