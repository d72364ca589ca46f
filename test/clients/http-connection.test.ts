// The Node client's pipelined Runtime API connection against a raw server: framing, order, one write per tick, broken peers.
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server, type Socket } from 'node:net';
import { PipelinedConnection } from '../../runtime-api/clients/node/http-connection.js';

let server: Server | undefined;
const sockets = new Set<Socket>();
afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

/** A raw server: `onRequestData` sees every chunk a connection sends; `answer` writes bytes back. */
async function rawServer(onData: (socket: Socket, chunk: string, connection: number) => void) {
  let connections = 0;
  server = createServer((socket) => {
    const n = ++connections;
    sockets.add(socket);
    socket.on('data', (d: Buffer) => onData(socket, d.toString('latin1'), n));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { connection: new PipelinedConnection('127.0.0.1', port), connections: () => connections };
}

const ok = (body: string, extra = '') => `HTTP/1.1 200 OK\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

describe('PipelinedConnection', () => {
  it('sends the requests of one tick in one write and resolves the answers in order', async () => {
    const chunks: string[] = [];
    const { connection } = await rawServer((socket, chunk) => {
      chunks.push(chunk);
      socket.write(ok('"first"') + ok('"second"', 'X-Two: a\r\nx-two: b\r\n'));
    });
    const [a, b] = await Promise.all([
      connection.request('POST', '/r', { 'Content-Type': 'application/json' }, Buffer.from('{"a":1}')),
      connection.request('GET', '/n', {}),
    ]);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toMatch(/^POST \/r HTTP\/1\.1\r\nHost: 127\.0\.0\.1:\d+\r\nConnection: keep-alive\r\nContent-Type: application\/json\r\nContent-Length: 7\r\n\r\n\{"a":1\}GET \/n HTTP\/1\.1\r\n/);
    expect(a!.body.toString()).toBe('"first"');
    expect(b!.body.toString()).toBe('"second"');
    expect(b!.headers['x-two']).toBe('a, b');
  });

  it('reads a body that arrives in pieces, a chunked body with trailers, and an empty 202', async () => {
    const { connection } = await rawServer((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Le');
      setTimeout(() => socket.write('ngth: 10\r\n\r\n01234'), 10);
      setTimeout(() => socket.write('56789HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\nX-T: 1\r\n\r\n'), 20);
      setTimeout(() => socket.write('HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n'), 30);
    });
    const answers = await Promise.all([connection.request('GET', '/a', {}), connection.request('GET', '/b', {}), connection.request('GET', '/c', {})]);
    expect(answers.map((a) => [a.status, a.body.toString()])).toEqual([
      [200, '0123456789'],
      [200, 'abcde'],
      [202, ''],
    ]);
  });

  it('opens a new connection after `Connection: close`, and reads a body delimited by the close', async () => {
    const { connection, connections } = await rawServer((socket, _chunk, n) => {
      if (n === 1) socket.end(ok('one', 'Connection: close\r\n'));
      else socket.end('HTTP/1.1 200 OK\r\n\r\nuntil the end');
    });
    expect((await connection.request('GET', '/1', {})).body.toString()).toBe('one');
    expect((await connection.request('GET', '/2', {})).body.toString()).toBe('until the end');
    expect(connections()).toBe(2);
  });

  it('fails every waiting request when the server goes away mid-answer, and recovers on the next one', async () => {
    const { connection } = await rawServer((socket, _chunk, n) => {
      if (n === 1) {
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial');
        setTimeout(() => socket.destroy(), 10);
      } else socket.write(ok('back'));
    });
    const settled = await Promise.allSettled([connection.request('GET', '/a', {}), connection.request('GET', '/b', {})]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    expect(((settled[0] as PromiseRejectedResult).reason as Error).message).toMatch(/closed the connection mid-response/);
    expect((await connection.request('GET', '/c', {})).body.toString()).toBe('back');
  });

  it('skips an interim 100 Continue, and takes a large body in many reads byte for byte', async () => {
    const big = Buffer.alloc(6_000_000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7) % 251;
    const { connection } = await rawServer((socket) => {
      socket.write('HTTP/1.1 100 Continue\r\n\r\n');
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${big.length}\r\n\r\n`);
      for (let at = 0; at < big.length; at += 65_536) socket.write(big.subarray(at, at + 65_536));
      socket.write('HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\nok');
    });
    const [first, second] = await Promise.all([connection.request('GET', '/big', {}), connection.request('GET', '/small', {})]);
    expect(first.status).toBe(200);
    expect(first.body.equals(big)).toBe(true);
    expect([second.status, second.body.toString()]).toEqual([202, 'ok']);
  });

  it.each([
    ['a Content-Length that is not a number', 'HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\n', /malformed Content-Length/],
    ['a chunk size that is not hex', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1xyz\r\na\r\n0\r\n\r\n', /malformed chunk size/],
    ['chunk data without its CRLF', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nabc\r\n0\r\n\r\n', /malformed chunk/],
  ])('rejects %s', async (_name, answer, error) => {
    const { connection } = await rawServer((socket) => socket.write(answer));
    await expect(connection.request('GET', '/a', {})).rejects.toThrow(error);
  });

  it('rejects a malformed answer instead of guessing', async () => {
    const { connection } = await rawServer((socket) => socket.write('SMTP ready\r\n\r\n'));
    await expect(connection.request('GET', '/a', {})).rejects.toThrow(/malformed status line/);
  });

  it('drops control characters from header values (no header injection from an error type)', async () => {
    const chunks: string[] = [];
    const { connection } = await rawServer((socket, chunk) => {
      chunks.push(chunk);
      socket.write(ok(''));
    });
    await connection.request('POST', '/e', { 'Lambda-Runtime-Function-Error-Type': 'Bad\r\nX-Injected: 1' }, Buffer.from('{}'));
    expect(chunks.join('')).toContain('Lambda-Runtime-Function-Error-Type: BadX-Injected: 1\r\n');
    expect(chunks.join('')).not.toContain('\r\nX-Injected');
  });
});
