// The Extensions API's refusals, as Lambda's rapid answers them (RIE's rapi/handler): every one a 403 with Lambda's
// error type, and nothing registered or recorded by a refused request.
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_EXTENSIONS } from '../../runtime-api/extensions.js';
import { RuntimeApiServer } from '../../runtime-api/server.js';
import { silentLogger } from '../../src/core/logger.js';

let api: RuntimeApiServer;

beforeEach(async () => {
  api = await RuntimeApiServer.listen({ logger: silentLogger() });
  api.reset();
  // One external extension was started, as a runner starts /opt/extensions/ext-a.
  api.extensions.expect(['ext-a']);
});
afterEach(() => api.close());

const url = (path: string) => `http://${api.address}/2020-01-01/extension${path}`;
const register = (name: string | undefined, body: string) =>
  fetch(url('/register'), { method: 'POST', headers: name === undefined ? {} : { 'Lambda-Extension-Name': name }, body });
const events = (...list: string[]) => JSON.stringify({ events: list });

async function refusal(res: Response) {
  return { status: res.status, ...((await res.json()) as { errorType: string; errorMessage: string }) };
}

describe('POST /2020-01-01/extension/register', () => {
  it('registers an external extension under its file name with INVOKE and SHUTDOWN, answering its identifier and the function', async () => {
    const res = await register('ext-a', events('INVOKE', 'SHUTDOWN'));
    expect(res.status).toBe(200);
    expect(res.headers.get('lambda-extension-identifier')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(await res.json()).toEqual({ functionName: expect.any(String), functionVersion: expect.any(String), handler: expect.any(String) });
    expect(api.extensions.names()).toEqual(['ext-a']);
  });

  it.each([
    ['no name', undefined, events('INVOKE'), 'Extension.InvalidExtensionName', 'Empty extension name'],
    ['a body that is not JSON', 'ext-a', '{', 'InvalidRequestFormat', expect.any(String)],
    ['configurationKeys', 'ext-a', JSON.stringify({ events: ['INVOKE'], configurationKeys: ['k'] }), 'InvalidRequestFormat', 'configurationKeys are deprecated; use environment variables instead'],
    ['an unknown event', 'ext-a', events('INVOKE', 'RESTORE'), 'Extension.InvalidEventType', expect.stringContaining('RESTORE')],
    ['SHUTDOWN from an internal extension', 'in-process', events('INVOKE', 'SHUTDOWN'), 'Extension.InvalidEventType', expect.stringContaining('SHUTDOWN')],
  ])('refuses %s with 403 and registers nothing', async (_what, name, body, errorType, errorMessage) => {
    expect(await refusal(await register(name, body))).toEqual({ status: 403, errorType, errorMessage });
    expect(api.extensions.count).toBe(0);
  });

  it('refuses a second registration under the same name, external or internal', async () => {
    expect((await register('ext-a', events('INVOKE'))).status).toBe(200);
    expect(await refusal(await register('ext-a', events('INVOKE')))).toEqual({
      status: 403,
      errorType: 'Extension.InvalidExtensionState',
      errorMessage: 'State transition from Registered to Registered failed for extension ext-a. Error: State transition is not allowed',
    });
    expect((await register('in-process', events('INVOKE'))).status).toBe(200);
    expect(await refusal(await register('in-process', events()))).toEqual({ status: 403, errorType: 'Extension.InvalidExtensionState', errorMessage: 'Extension with this name already registered' });
    expect(api.extensions.names()).toEqual(['ext-a', 'in-process']);
  });

  it('refuses registration once init is over', async () => {
    api.extensions.closeRegistration();
    expect(await refusal(await register('late', events('INVOKE')))).toEqual({ status: 403, errorType: 'Extension.RegistrationClosed', errorMessage: 'Extension registration closed already' });
  });

  it(`refuses an internal extension beyond Lambda's ${MAX_EXTENSIONS}, counting the external ones not yet registered`, async () => {
    for (let i = 0; i < MAX_EXTENSIONS - 1; i++) expect((await register(`internal-${i}`, events('INVOKE'))).status).toBe(200);
    expect(await refusal(await register('one-too-many', events('INVOKE')))).toEqual({ status: 403, errorType: 'Extension.TooManyExtensions', errorMessage: `Extension limit (${MAX_EXTENSIONS}) reached` });
    // The external extension's place was kept for it.
    expect((await register('ext-a', events('INVOKE'))).status).toBe(200);
  });

  it('keeps init waiting for the external extension while an extension of another name registers', async () => {
    let registered = false;
    void api.extensions.waitRegistered(['ext-a']).then(() => (registered = true));
    expect((await register('not-ext-a', events('INVOKE'))).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(registered).toBe(false);
    expect((await register('ext-a', events('INVOKE'))).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(registered).toBe(true);
  });
});

describe('identifiers on /event/next, /init/error, /exit/error and the Telemetry and Logs APIs', () => {
  const identified = (id: string | undefined): Record<string, string> => (id === undefined ? {} : { 'Lambda-Extension-Identifier': id });
  const unknown = randomUUID();
  const calls: Array<[string, (id: string | undefined) => Promise<Response>]> = [
    ['GET /event/next', (id) => fetch(url('/event/next'), { headers: identified(id) })],
    ['POST /init/error', (id) => fetch(url('/init/error'), { method: 'POST', headers: { ...identified(id), 'Lambda-Extension-Function-Error-Type': 'Extension.Broken' } })],
    ['POST /exit/error', (id) => fetch(url('/exit/error'), { method: 'POST', headers: { ...identified(id), 'Lambda-Extension-Function-Error-Type': 'Extension.Broken' } })],
    ['PUT /2022-07-01/telemetry', (id) => fetch(`http://${api.address}/2022-07-01/telemetry`, { method: 'PUT', headers: identified(id), body: '{}' })],
    ['PUT /2020-08-15/logs', (id) => fetch(`http://${api.address}/2020-08-15/logs`, { method: 'PUT', headers: identified(id), body: '{}' })],
  ];
  it.each(calls)('%s refuses a missing, malformed or unknown identifier with 403 and its own error type', async (_call, call) => {
    expect(await refusal(await call(undefined))).toEqual({ status: 403, errorType: 'Extension.MissingExtensionIdentifier', errorMessage: 'Missing Lambda-Extension-Identifier header' });
    expect(await refusal(await call('not-a-uuid'))).toEqual({ status: 403, errorType: 'Extension.InvalidExtensionIdentifier', errorMessage: 'Invalid Lambda-Extension-Identifier' });
    expect(await refusal(await call(unknown))).toEqual({ status: 403, errorType: 'Extension.UnknownExtensionIdentifier', errorMessage: `Unknown extension ${unknown}` });
  });
});

describe('POST /init/error and /exit/error', () => {
  async function registered(): Promise<string> {
    return (await register('ext-a', events('INVOKE'))).headers.get('lambda-extension-identifier')!;
  }

  it('needs Lambda-Extension-Function-Error-Type, and records nothing without it', async () => {
    const id = await registered();
    const res = await fetch(url('/init/error'), { method: 'POST', headers: { 'Lambda-Extension-Identifier': id } });
    expect(await refusal(res)).toEqual({ status: 403, errorType: 'Extension.MissingHeader', errorMessage: 'Lambda-Extension-Function-Error-Type not found' });
    const recorded = await Promise.race([api.extensions.failed.then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 50))]);
    expect(recorded).toBe(false);
  });

  it.each([
    ['/init/error', 'Extension.ConfigInvalid', 'Extension.ConfigInvalid'],
    ['/init/error', 'not-an-extension-type', 'Extension.InitError'],
    ['/exit/error', 'not-an-extension-type', 'Extension.ExitError'],
  ])('%s with %s answers 202 and records %s', async (path, sent, recorded) => {
    const id = await registered();
    const res = await fetch(url(path), { method: 'POST', headers: { 'Lambda-Extension-Identifier': id, 'Lambda-Extension-Function-Error-Type': sent } });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: 'OK' });
    expect(await api.extensions.failed).toMatchObject({ errorType: recorded, extension: 'ext-a' });
  });
});
