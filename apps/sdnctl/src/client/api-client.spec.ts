import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { EXIT } from '../cli/exit-codes';
import { ApiClient, ApiError, ConnectionError, normaliseFingerprint } from './api-client';
import { colourWanted, configPath, readConfigFile, resolveConnection, writeConfigFile } from './settings';

/** A TLS server with a self-signed certificate for 127.0.0.1 that answers what it received. */
describe('ApiClient over HTTPS', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sdnctl-tls-'));
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  let server: https.Server;
  let url: string;
  let fingerprint: string;
  const seen: { method: string; url: string; headers: Record<string, unknown>; body: string }[] = [];

  beforeAll(async () => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    fingerprint = new X509Certificate(fs.readFileSync(cert)).fingerprint256;
    server = https.createServer({ cert: fs.readFileSync(cert), key: fs.readFileSync(key) }, (req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        if (req.url === '/api2/json/access/ticket') {
          const { username, password } = JSON.parse(body) as { username: string; password: string };
          res.writeHead(password === 'correct horse' ? 200 : 401, { 'Content-Type': 'application/json' });
          return res.end(JSON.stringify(password === 'correct horse' ? { data: { ticket: `PVE:${username}:ABC::sig`, CSRFPreventionToken: 'ABC:tok', username } } : { data: null, message: 'authentication failure' }));
        }
        if (req.url!.includes('/refuse')) {
          res.writeHead(400, { 'Content-Type': 'application/json' });
          return res.end(JSON.stringify({ data: null, message: 'Parameter verification failed.', errors: { tag: 'value must have a maximum value of 4094' } }));
        }
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ data: { ok: true } }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => (seen.length = 0));

  const call = async (conn: object, ...a: Parameters<ApiClient['call']>) => {
    const c = new ApiClient({ url, profileName: 't', ...conn });
    try {
      return await c.call(...a);
    } finally {
      c.close();
    }
  };

  it('refuses an untrusted certificate (exit 5, with the hint), trusts it with the CA file', async () => {
    const err = await call({}, 'GET', '/version').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).exitCode).toBe(EXIT.UNREACHABLE);
    expect((err as Error).message).toMatch(/--ca .*--fingerprint/);
    expect(await call({ ca: cert, token: 'root@pam!t=s3cret' }, 'GET', '/version')).toEqual({ ok: true });
    expect(seen[0].headers.authorization).toBe('PVEAPIToken=root@pam!t=s3cret');
    expect(seen[0].url).toBe('/api2/json/version');
  });

  it('accepts a self-signed certificate by its pinned fingerprint and refuses another one', async () => {
    expect(await call({ fingerprint: fingerprint.toLowerCase().replace(/:/g, '') }, 'GET', '/version')).toEqual({ ok: true });
    const wrong = '00'.repeat(32);
    const err = await call({ fingerprint: wrong }, 'GET', '/version').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as Error).message).toContain(`has fingerprint ${fingerprint}, expected the pinned ${normaliseFingerprint(wrong)}`);
  });

  it('sends a ticket as PVEAuthCookie, with the CSRF token on writes only; JSON bodies; query parameters on GET', async () => {
    const ticket = { username: 'alice@pve', ticket: 'PVE:alice@pve:1234::sig', csrf: '1234:csrf', time: 0 };
    await call({ ca: cert, ticket }, 'GET', '/cluster/sdn/zones', { pending: 1, type: 'vlan' });
    await call({ ca: cert, ticket }, 'POST', '/cluster/sdn/zones', { zone: 'z1', type: 'vlan', 'dhcp-range': ['a', 'b'] });
    expect(seen[0].url).toBe('/api2/json/cluster/sdn/zones?pending=1&type=vlan');
    expect(seen[0].headers.cookie).toBe(`PVEAuthCookie=${encodeURIComponent(ticket.ticket)}`);
    expect(seen[0].headers.csrfpreventiontoken).toBeUndefined();
    expect(seen[1].headers.csrfpreventiontoken).toBe('1234:csrf');
    expect(JSON.parse(seen[1].body)).toEqual({ zone: 'z1', type: 'vlan', 'dhcp-range': ['a', 'b'] });
    expect(seen[1].headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sdnctl login keeps the ticket (not the password) in a 0600 profile; later commands send it', async () => {
    const cfg = path.join(dir, 'login', 'config.json');
    const pw = path.join(dir, 'pw');
    fs.writeFileSync(pw, 'correct horse\n');
    const saved = process.env.SDN_CLI_CONFIG;
    process.env.SDN_CLI_CONFIG = cfg;
    const out = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const { main } = await import('../main');
      fs.writeFileSync(pw, 'wrong\n');
      expect(await main(['--url', url, '--ca', cert, 'login', 'alice@pve', '--password-file', pw])).toBe(EXIT.REFUSED);
      expect(fs.existsSync(cfg)).toBe(false);
      fs.writeFileSync(pw, 'correct horse\n');
      expect(await main(['--url', url, '--ca', cert, 'login', 'alice@pve', '--password-file', pw])).toBe(0);
      expect(JSON.parse(seen.at(-1)!.body)).toEqual({ username: 'alice@pve', password: 'correct horse' });
      expect(fs.statSync(cfg).mode & 0o777).toBe(0o600);
      const text = fs.readFileSync(cfg, 'utf8');
      expect(text).not.toContain('correct horse');
      expect(JSON.parse(text).profiles.default).toMatchObject({ url, ca: cert, ticket: { username: 'alice@pve', ticket: 'PVE:alice@pve:ABC::sig', csrf: 'ABC:tok' } });
      seen.length = 0;
      expect(await main(['set', '/cluster/sdn/zones/z1', '--mtu', '1400'])).toBe(0);
      expect(seen[0].headers.cookie).toBe(`PVEAuthCookie=${encodeURIComponent('PVE:alice@pve:ABC::sig')}`);
      expect(seen[0].headers.csrfpreventiontoken).toBe('ABC:tok');
      expect(await main(['logout'])).toBe(0);
      expect(JSON.parse(fs.readFileSync(cfg, 'utf8')).profiles.default.ticket).toBeUndefined();
    } finally {
      out.mockRestore();
      err.mockRestore();
      if (saved === undefined) delete process.env.SDN_CLI_CONFIG;
      else process.env.SDN_CLI_CONFIG = saved;
    }
  });

  it("turns a refusal into exit 1 with the API's message and field errors", async () => {
    const err = await call({ ca: cert }, 'POST', '/refuse', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).exitCode).toBe(EXIT.REFUSED);
    expect((err as Error).message).toBe('POST /api2/json/refuse: Parameter verification failed. (HTTP 400)\n  tag: value must have a maximum value of 4094');
  });
});

describe('connection settings', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sdnctl-cfg-'));
  const file = path.join(dir, 'sub', 'config.json');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('flags beat the environment, which beats the profile; the file is 0600', () => {
    writeConfigFile({ current: 'lab', profiles: { lab: { url: 'https://lab:8006', token: 'a@pve!t=1', ca: '/lab-ca.pem' }, prod: { url: 'https://prod:8006', fingerprint: 'AA' } } }, file);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const env = { SDN_CLI_CONFIG: file };
    expect(resolveConnection({}, env)).toMatchObject({ profileName: 'lab', url: 'https://lab:8006', token: 'a@pve!t=1', ca: '/lab-ca.pem' });
    expect(resolveConnection({}, { ...env, SDN_URL: 'https://env:8006', SDN_TOKEN: 'e@pve!t=2' })).toMatchObject({ url: 'https://env:8006', token: 'e@pve!t=2', ca: '/lab-ca.pem' });
    expect(resolveConnection({ url: 'https://flag:8006' }, { ...env, SDN_URL: 'https://env:8006' })).toMatchObject({ url: 'https://flag:8006' });
    expect(resolveConnection({ profile: 'prod' }, env)).toMatchObject({ profileName: 'prod', url: 'https://prod:8006', fingerprint: 'AA' });
    expect(() => resolveConnection({ profile: 'nope' }, env)).toThrow(/no profile 'nope'/);
    expect(() => resolveConnection({}, { SDN_CLI_CONFIG: path.join(dir, 'none.json') })).toThrow(/no API URL: pass --url, set SDN_URL/);
    expect(readConfigFile(file).current).toBe('lab');
  });

  it('a token from flags or environment replaces the profile ticket', () => {
    writeConfigFile({ current: 'p', profiles: { p: { url: 'https://x:8006', ticket: { username: 'u@pve', ticket: 't', csrf: 'c', time: 1 } } } }, file);
    expect(resolveConnection({}, { SDN_CLI_CONFIG: file }).ticket?.username).toBe('u@pve');
    const c = resolveConnection({}, { SDN_CLI_CONFIG: file, SDN_TOKEN: 'r@pam!x=y' });
    expect(c.ticket).toBeUndefined();
    expect(c.token).toBe('r@pam!x=y');
  });

  it('the profile file follows SDN_CLI_CONFIG, else the XDG convention; colours follow NO_COLOR / FORCE_COLOR', () => {
    expect(configPath({ SDN_CLI_CONFIG: file })).toBe(file);
    expect(configPath({ XDG_CONFIG_HOME: '/xdg', HOME: '/home/u' })).toBe('/xdg/sdnctl/config.json');
    expect(configPath({ HOME: '/home/u' })).toBe('/home/u/.config/sdnctl/config.json');
    const tty = { isTTY: true } as NodeJS.WriteStream;
    const pipe = { isTTY: false } as NodeJS.WriteStream;
    expect([colourWanted(tty, {}), colourWanted(pipe, {})]).toEqual([true, false]);
    expect(colourWanted(tty, { NO_COLOR: '1' })).toBe(false);
    expect(colourWanted(tty, { SDN_NO_COLOR: 'yes' })).toBe(false);
    expect(colourWanted(tty, { NO_COLOR: '' })).toBe(true);
    expect(colourWanted(pipe, { FORCE_COLOR: '3' })).toBe(true);
    expect(colourWanted(pipe, { FORCE_COLOR: '0' })).toBe(false);
    expect(colourWanted(pipe, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(false);
  });
});
