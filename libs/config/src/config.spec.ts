import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { apiConfig, busConfig, configServiceConfig, ConfigError, dnsServiceConfig, EXIT_CONFIG, ipamServiceConfig, launcherConfig, nodeAgentConfig, sdnctlConfig, SETTINGS, settingsTable, withSettingsTable } from './index';

const ROOT = resolve(__dirname, '../../..');

describe('settings', () => {
  it('reads the SDN_ name, else the old name; the SDN_ name wins when both are set', () => {
    expect(busConfig({ NATS_URL: 'nats://old:1' }).url).toBe('nats://old:1');
    expect(busConfig({ SDN_NATS_URL: 'nats://new:1', NATS_URL: 'nats://old:1' }).url).toBe('nats://new:1');
    expect(configServiceConfig({ CONFIG_SERVICE_ACK_WAIT_MS: '1234' }).ackWaitMs).toBe(1234);
    expect(ipamServiceConfig({ IPAM_PG_URL: 'postgres://h/ipam', IPAM_POOL_SIZE: '3' })).toMatchObject({ pgUrl: 'postgres://h/ipam', poolSize: 3 });
    expect(dnsServiceConfig({ DNS_DURABLE: 'dns-x', DNS_MAX_IN_FLIGHT: '7' })).toMatchObject({ durable: 'dns-x', maxInFlight: 7 });
  });

  it('gives defaults, and the IPAM store follows the main database when only that is named (compose, npm start)', () => {
    const a = apiConfig({});
    expect(a).toMatchObject({ host: '127.0.0.1', port: 8006, databaseUrl: 'postgres://postgres@127.0.0.1:5432/sdn', relay: true, nats: true, ipamInFlight: 2, busNamespace: '' });
    expect(a.authRateLimit).toEqual({ threshold: 10, baseMs: 1000, maxMs: 300000, forgetMs: 900000 });
    expect(ipamServiceConfig({}).pgUrl).toBe('postgres://postgres@127.0.0.1:5432/sdn_ipam');
    expect(ipamServiceConfig({ DATABASE_URL: 'postgres://db/sdn' }).pgUrl).toBe('postgres://db/sdn');
    expect(ipamServiceConfig({ SDN_DATABASE_URL: 'postgres://db/sdn', IPAM_PG_URL: 'postgres://db/ipam' }).pgUrl).toBe('postgres://db/ipam');
  });

  it('takes the auth backoff and agent settings, and an empty command means none', () => {
    expect(apiConfig({ SDN_AUTH_FAIL_THRESHOLD: '3', SDN_AUTH_FAIL_BASE_MS: '50' }).authRateLimit).toMatchObject({ threshold: 3, baseMs: 50 });
    const n = nodeAgentConfig({ SDN_NODE_NAME: 'pve1', SDN_HEARTBEAT_MS: '300', SDN_AGENT_FRR_RELOAD: '', SDN_AGENT_KERNEL_FACTS: '0' });
    expect(n).toMatchObject({ node: 'pve1', heartbeatMs: 300, frrReload: [], kernelFacts: false, ifreload: ['ifreload', '-a'] });
  });

  it('NATS credentials: nkey file, user with password, token, inbox prefix', () => {
    expect(busConfig({ NATS_NKEY_FILE: '/k', NATS_INBOX_PREFIX: '_INBOX_node_a' }).credentials).toEqual({ nkeyFile: '/k', inboxPrefix: '_INBOX_node_a' });
    expect(busConfig({ SDN_NATS_USER: 'u' }).credentials).toEqual({ user: 'u', pass: '' });
    expect(busConfig({ NATS_USER: 'u', NATS_PASS: 'p' }).credentials).toEqual({ user: 'u', pass: 'p' });
  });

  describe('secrets from files', () => {
    let dir: string;
    beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'sdn-config-'))));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('reads <NAME>_FILE (one trailing newline dropped), also for an old name', () => {
      const key = 'ab'.repeat(32);
      writeFileSync(join(dir, 'key'), key + '\n');
      writeFileSync(join(dir, 'pass'), 'pa ss\n');
      writeFileSync(join(dir, 'db'), 'postgres://u:pw@db/sdn');
      expect(apiConfig({ SDN_SECRET_KEY_FILE: join(dir, 'key'), SDN_DATABASE_URL_FILE: join(dir, 'db') })).toMatchObject({ secretKey: key, databaseUrl: 'postgres://u:pw@db/sdn' });
      expect(busConfig({ NATS_USER: 'u', NATS_PASS_FILE: join(dir, 'pass') }).credentials.pass).toBe('pa ss');
      writeFileSync(join(dir, 'token'), 'root@pam!ci=s3cr3t\n');
      expect(apiConfig({ SDN_BOOTSTRAP_TOKEN_FILE: join(dir, 'token') }).bootstrapToken).toBe('root@pam!ci=s3cr3t');
    });

    it('fills SDN_DATABASE_PASSWORD(_FILE) into the database URLs that name no password, percent-encoded', () => {
      writeFileSync(join(dir, 'dbpw'), 'p@ss:w/rd%\n');
      const env = { SDN_DATABASE_URL: 'postgres://sdn@postgres:5432/sdn', SDN_DATABASE_PASSWORD_FILE: join(dir, 'dbpw') };
      const url = 'postgres://sdn:p%40ss%3Aw%2Frd%25@postgres:5432/sdn';
      expect(apiConfig(env).databaseUrl).toBe(url);
      expect(ipamServiceConfig(env).pgUrl).toBe(url);
      expect(sdnctlConfig(env).databaseUrl).toBe(url);
      expect(launcherConfig(env).databaseUrl).toBe(url);
      // What PostgreSQL's client gets back from the URL is the password as written in the file.
      expect(decodeURIComponent(new URL(url).password)).toBe('p@ss:w/rd%');
      // A URL with its own password keeps it (a separate IPAM database with its own user).
      expect(ipamServiceConfig({ ...env, SDN_IPAM_DATABASE_URL: 'postgres://ipam:own@db/ipam' }).pgUrl).toBe('postgres://ipam:own@db/ipam');
      expect(apiConfig({ SDN_DATABASE_URL: 'postgres://sdn@postgres/sdn' }).databaseUrl).toBe('postgres://sdn@postgres/sdn');
      expect(() => apiConfig({ ...env, SDN_DATABASE_PASSWORD: 'x' })).toThrow(/^SDN_DATABASE_PASSWORD and SDN_DATABASE_PASSWORD_FILE are both set/);
    });

    it('refuses a value and a file for one setting, and names an unreadable file', () => {
      writeFileSync(join(dir, 'tok'), 't');
      expect(() => busConfig({ SDN_NATS_TOKEN: 'x', SDN_NATS_TOKEN_FILE: join(dir, 'tok') })).toThrow(/^SDN_NATS_TOKEN and SDN_NATS_TOKEN_FILE are both set/);
      expect(() => apiConfig({ SDN_SECRET_KEY_FILE: join(dir, 'missing') })).toThrow(new ConfigError(`SDN_SECRET_KEY_FILE: cannot read ${join(dir, 'missing')} (ENOENT)`));
    });
  });

  it('refuses bad values in one line naming the variable it came from; secrets are not echoed', () => {
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as Error).message;
      }
      throw new Error('no error');
    };
    expect(err(() => apiConfig({ SDN_API_PORT: '80x' }))).toBe("SDN_API_PORT must be a whole number from 1 to 65535, got '80x'");
    expect(err(() => apiConfig({ SDN_API_PORT: '70000' }))).toBe("SDN_API_PORT must be a whole number from 1 to 65535, got '70000'");
    expect(err(() => apiConfig({ SDN_API_RELAY: 'maybe' }))).toBe("SDN_API_RELAY must be on or off (or 1/0, true/false, yes/no), got 'maybe'");
    expect(err(() => configServiceConfig({ CONFIG_SERVICE_ACK_WAIT_MS: 'soon' }))).toMatch(/^CONFIG_SERVICE_ACK_WAIT_MS must be a whole number/);
    expect(err(() => busConfig({ NATS_URL: 'http://x:4222' }))).toBe("NATS_URL must be a nats or tls or ws or wss URL (several separated by commas), got 'http://x:4222'");
    expect(err(() => nodeAgentConfig({ SDN_NODE_NAME: 'n1', SDN_AGENT_MODE: 'yolo' }))).toBe("SDN_AGENT_MODE must be one of safe, live, got 'yolo'");
    const secret = err(() => apiConfig({ SDN_SECRET_KEY: 'not-a-key-but-secret' }));
    expect(secret).toMatch(/^SDN_SECRET_KEY must be 32 bytes/);
    expect(secret).not.toContain('not-a-key-but-secret');
    const db = err(() => apiConfig({ DATABASE_URL: 'mysql://u:hunter2@h/db' }));
    expect(db).toBe('DATABASE_URL must be a postgres or postgresql URL');
    expect(err(() => apiConfig({ SDN_BOOTSTRAP_TOKEN: 'root@pam=nosecret' }))).toBe('SDN_BOOTSTRAP_TOKEN must be USER@REALM!TOKENID=SECRET');
    for (const m of [secret, db]) expect(m).not.toMatch(/\n/);
  });

  it('npm start runs its own NATS on 4223 unless one is named', () => {
    expect(launcherConfig({}).bus.url).toBe('nats://127.0.0.1:4223');
    expect(launcherConfig({ NATS_URL: 'nats://h:4222' }).bus.url).toBe('nats://h:4222');
  });

  it('every setting is named SDN_*, once', () => {
    const names = Object.values(SETTINGS).flatMap((s) => [s.name, ...s.aliases]);
    expect(new Set(names).size).toBe(names.length);
    for (const s of Object.values(SETTINGS)) expect(s.name).toMatch(/^SDN_[A-Z0-9_]+$/);
  });

  it("the README's table is the one generated from the settings (npm run -s settings:readme)", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(withSettingsTable(readme)).toBe(readme);
    // The check can fail: a setting missing from the README is noticed.
    const without = readme.replace(/^\| `SDN_DNS_DURABLE`.*\n/m, '');
    expect(without).not.toBe(readme);
    expect(withSettingsTable(without)).not.toBe(without);
    for (const s of Object.values(SETTINGS)) expect(settingsTable()).toContain(`\`${s.name}\``);
  });
});

describe('an app started with a bad setting', () => {
  const run = (app: string, env: Record<string, string>) =>
    new Promise<{ code: number | null; stderr: string; stdout: string }>((res) => {
      const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(SDN_|NATS_|DATABASE_URL|IPAM_|DNS_|CONFIG_SERVICE_)/.test(k)));
      const p = spawn(process.execPath, ['-r', './tools/register.js', join('apps', app, 'src', 'main.ts')], { cwd: ROOT, env: { ...clean, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      let stdout = '';
      p.stderr.on('data', (d) => (stderr += d));
      p.stdout.on('data', (d) => (stdout += d));
      const timer = setTimeout(() => p.kill('SIGKILL'), 50_000);
      p.on('exit', (code) => {
        clearTimeout(timer);
        res({ code, stderr, stdout });
      });
    });

  it.each([
    ['api', { SDN_API_PORT: 'http' }, "api: configuration: SDN_API_PORT must be a whole number from 1 to 65535, got 'http'"],
    ['config-service', { CONFIG_SERVICE_ACK_WAIT_MS: 'soon' }, "config-service: configuration: CONFIG_SERVICE_ACK_WAIT_MS must be a whole number from 1 to 9007199254740991, got 'soon'"],
    ['ipam-service', { SDN_IPAM_DATABASE_URL_FILE: '/nonexistent/sdn-db-url' }, 'ipam-service: configuration: SDN_IPAM_DATABASE_URL_FILE: cannot read /nonexistent/sdn-db-url (ENOENT)'],
    ['dns-service', { SDN_SECRET_KEY: 'hunter2hunter2' }, 'dns-service: configuration: SDN_SECRET_KEY must be 32 bytes as 64 hex digits or base64 (e.g. `openssl rand -hex 32`)'],
    ['node-agent', { SDN_NODE_NAME: 'pve1', SDN_AGENT_MODE: 'yolo' }, "node-agent: configuration: SDN_AGENT_MODE must be one of safe, live, got 'yolo'"],
  ])('%s exits with one line naming the setting', async (app, env, line) => {
    const r = await run(app, env);
    expect(r.code).toBe(EXIT_CONFIG);
    expect(r.stderr).toBe(line + '\n');
    expect(r.stdout).toBe('');
  });
});
