import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requestPath, startStaticServer, type StaticServer } from './static-server.js';

/** One raw HTTP/1.1 exchange, so a test can send what fetch() would refuse to. */
function rawRequest(port: number, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(head));
    let text = '';
    socket.on('data', (d) => {
      text += d.toString();
    });
    socket.on('end', () => resolve(text));
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
  });
}

describe('static server: no request can crash it or reach outside its folder', () => {
  let server: StaticServer;
  let port: number;
  beforeAll(async () => {
    const root = mkdtempSync(join(tmpdir(), 'riskgate-static-'));
    mkdirSync(join(root, 'w'));
    writeFileSync(join(root, 'w', 'riskgate-chat.js'), 'export {};');
    writeFileSync(join(root, 'w', 'index.html'), '<!doctype html><title>x</title>');
    writeFileSync(join(root, 'w', '.env'), 'SECRET=1');
    symlinkSync('/etc/passwd', join(root, 'w', 'passwd'));
    server = await startStaticServer({ port: 0, distDir: root, watch: true });
    port = (server.server.address() as { port: number }).port;
  });
  afterAll(() => server.close());

  it('answers an absolute-form target with an invalid port with 400 and keeps serving', async () => {
    const reply = await rawRequest(port, 'GET http://a:99999999/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect((await fetch(`http://127.0.0.1:${port}/w/riskgate-chat.js`)).status).toBe(200);
  });

  it('answers malformed percent-encoding and traversal with 400', async () => {
    const bad = await rawRequest(port, 'GET /w/%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(bad).toMatch(/^HTTP\/1\.1 400/);
    const up = await rawRequest(
      port,
      'GET /w/%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    expect(up).toMatch(/^HTTP\/1\.1 400/);
  });

  it('does not follow a symlink out of its folder, nor serve dotfiles (watch mode too)', async () => {
    const link = await fetch(`http://127.0.0.1:${port}/w/passwd`);
    expect(link.status).toBe(404);
    expect(await link.text()).not.toContain('root:');
    expect((await fetch(`http://127.0.0.1:${port}/w/.env`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${port}/w/%2eenv`)).status).toBe(404);
  });

  it('sends nosniff everywhere, frame-ancestors on pages, CORS only on the widget files', async () => {
    const script = await fetch(`http://127.0.0.1:${port}/w/riskgate-chat.js`);
    expect(script.headers.get('x-content-type-options')).toBe('nosniff');
    expect(script.headers.get('access-control-allow-origin')).toBe('*');
    const page = await fetch(`http://127.0.0.1:${port}/w/index.html`);
    expect(page.status).toBe(200);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('content-security-policy')).toBe("frame-ancestors 'self'");
    expect(page.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('listens on loopback by default', () => {
    expect((server.server.address() as { address: string }).address).toBe('127.0.0.1');
  });
});

describe('requestPath', () => {
  it('keeps plain paths and drops the query', () => {
    expect(requestPath('/a/b.js?v=1')).toBe('/a/b.js');
    expect(requestPath('/a%20b')).toBe('/a b');
  });
  it('refuses what is not a servable path', () => {
    for (const target of ['*', 'http://a:99999999/', '', undefined, '/%ZZ', '/a/../b', '/a%00b']) {
      expect(requestPath(target)).toBeUndefined();
    }
  });
});
