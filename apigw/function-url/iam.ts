// SigV4 verification for Function URLs with `AuthType: AWS_IAM`: recompute the caller's signature with @smithy/signature-v4 and known local credentials.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { IamCaller } from './event.js';
import { headerLines, headerValue, splitUrl, type GatewayRequest } from '../request.js';

/**
 * A credential the local "IAM" knows. AWS checks a signature against the secret of the access key
 * it names; locally the emulator can only check against secrets it was given, so these are the
 * only callers an AWS_IAM Function URL lets in (docs/function-urls.md, "Local credentials").
 */
export interface LocalCredential {
  accessKeyId: string;
  secretAccessKey: string;
  /** The caller's account; default the emulator's account. */
  accountId?: string;
  /** `requestContext.authorizer.iam.userArn`; default `arn:aws:iam::<account>:user/<accessKeyId>`. */
  userArn?: string;
}

export type SigV4Verdict = { ok: true; caller: IamCaller } | { ok: false; reason: string };

export interface VerifyOptions {
  /** Known credentials, looked up by access key id. */
  credentials: readonly LocalCredential[];
  /** The URL's region: the credential scope must name it and the `lambda` service. */
  region: string;
  /** The account of callers whose credential names none. */
  accountId: string;
  /** Now, epoch ms (injected for tests). */
  now: number;
}

/** SigV4 rejects requests whose date is more than 15 minutes off (AWS "Signature Version 4 signing" troubleshooting). */
const MAX_SKEW_MS = 15 * 60 * 1000;
const AUTH_PATTERN = /^AWS4-HMAC-SHA256\s+Credential=([^/\s,]+)\/(\d{8})\/([^/\s,]+)\/([^/\s,]+)\/aws4_request\s*,\s*SignedHeaders=([a-z0-9;_.-]+)\s*,\s*Signature=([0-9a-f]{64})\s*$/i;

const bytesOf = (data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array =>
  typeof data === 'string' ? data : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);

/** The hash constructor the signer wants (`@smithy/types` Checksum), on Node's crypto. */
class Sha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytesOf(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(bytesOf(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
}

/** `20260105T102030Z` → epoch ms, or NaN. */
function amzDate(text: string | undefined): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text ?? '');
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : NaN;
}

/** The query as the signer takes it: decoded names and values, repeats as lists. */
function queryBag(rawQuery: string): Record<string, string | string[]> {
  const bag: Record<string, string | string[]> = Object.create(null);
  for (const [key, value] of new URLSearchParams(rawQuery)) {
    const prior = bag[key];
    bag[key] = prior === undefined ? value : Array.isArray(prior) ? [...prior, value] : [prior, value];
  }
  return bag;
}

const callerIdOf = (accessKeyId: string) => `AIDA${createHash('sha256').update(accessKeyId).digest('hex').slice(0, 17).toUpperCase()}`;

/**
 * Checks the request's `Authorization` header (SigV4, header form) against the known
 * credentials. Any failure is a reason, never a throw: the front end answers 403 for all of them.
 */
export async function verifySigV4(req: GatewayRequest, options: VerifyOptions): Promise<SigV4Verdict> {
  const lines = headerLines(req.rawHeaders);
  const authorization = headerValue(lines, 'authorization');
  if (!authorization) return { ok: false, reason: 'the request is not signed (no Authorization header)' };
  const m = AUTH_PATTERN.exec(authorization);
  if (!m) return { ok: false, reason: 'the Authorization header is not AWS4-HMAC-SHA256' };
  const [, accessKeyId, scopeDate, region, service, signedHeaderList, signature] = m as unknown as string[];
  const credential = options.credentials.find((c) => c.accessKeyId === accessKeyId);
  if (!credential) return { ok: false, reason: `access key ${accessKeyId} is not one of the emulator's known credentials` };
  if (region !== options.region || service !== 'lambda') return { ok: false, reason: `the credential scope ${region}/${service} is not ${options.region}/lambda` };
  const signedAt = amzDate(headerValue(lines, 'x-amz-date'));
  if (Number.isNaN(signedAt)) return { ok: false, reason: 'X-Amz-Date is missing or malformed' };
  if (new Date(signedAt).toISOString().slice(0, 10).replace(/-/g, '') !== scopeDate) return { ok: false, reason: 'X-Amz-Date does not match the credential scope date' };
  if (Math.abs(options.now - signedAt) > MAX_SKEW_MS) return { ok: false, reason: 'the signature is more than 15 minutes old or ahead' };

  // Recompute over exactly the headers the caller signed, in the shape the SDK signed.
  const signedNames = signedHeaderList!.toLowerCase().split(';');
  const headers: Record<string, string> = {};
  for (const name of signedNames) {
    const values = lines.filter((l) => l.name.toLowerCase() === name).map((l) => l.value.trim());
    if (values.length === 0) return { ok: false, reason: `signed header ${name} is missing` };
    headers[name] = values.join(',');
  }
  // A signed payload hash must be the body's: the signature covers the header, not the bytes.
  const claimedHash = headers['x-amz-content-sha256'];
  if (claimedHash !== undefined && /^[0-9a-f]{64}$/i.test(claimedHash) && claimedHash.toLowerCase() !== createHash('sha256').update(req.body).digest('hex')) {
    return { ok: false, reason: 'the body does not match X-Amz-Content-Sha256' };
  }
  const { rawPath, rawQuery } = splitUrl(req.url);
  const signer = new SignatureV4({
    credentials: { accessKeyId: credential.accessKeyId, secretAccessKey: credential.secretAccessKey },
    region,
    service: 'lambda',
    sha256: Sha256,
    // The payload hash is the caller's X-Amz-Content-Sha256 when signed, else computed; never added.
    applyChecksum: false,
  });
  const host = headers.host ?? '';
  const signed = await signer.sign(
    { method: req.method, protocol: `${req.scheme}:`, hostname: host, path: rawPath, query: queryBag(rawQuery), headers, body: req.body },
    { signingDate: new Date(signedAt), signableHeaders: new Set(signedNames) },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization ?? signed.headers.Authorization))?.[1] ?? '';
  const match = expected.length === signature!.length && timingSafeEqual(Buffer.from(expected), Buffer.from(signature!.toLowerCase()));
  if (!match) return { ok: false, reason: 'the signature does not match (wrong secret, or the request changed after signing)' };

  const accountId = credential.accountId ?? options.accountId;
  const callerId = callerIdOf(credential.accessKeyId);
  return {
    ok: true,
    caller: {
      accessKey: credential.accessKeyId,
      accountId,
      callerId,
      userArn: credential.userArn ?? `arn:aws:iam::${accountId}:user/${credential.accessKeyId}`,
      userId: callerId,
    },
  };
}
