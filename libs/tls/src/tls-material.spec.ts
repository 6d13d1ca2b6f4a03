import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { type NetworkInterfaceInfo, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { promisify } from 'node:util';
import { CA_CERT_FILE, CA_KEY_FILE, ensureTlsMaterial, loadOperatorTls, SERVER_CERT_FILE, SERVER_KEY_FILE } from './tls-material';
import { hostIdentity } from './host-names';

const ROOT = resolve(__dirname, '../../..');
const run = promisify(execFile);

describe('generated TLS material (private CA + server certificate)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sdn-tls-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a CA and a server certificate for the host, keys 0600, and reuses them unchanged', async () => {
    const names = hostIdentity(['api.example.test']);
    const first = await ensureTlsMaterial(dir, names);
    expect(first.origin).toBe('created');
    for (const f of [CA_KEY_FILE, SERVER_KEY_FILE]) expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
    const ca = new X509Certificate(readFileSync(join(dir, CA_CERT_FILE)));
    const cert = new X509Certificate(first.cert);
    expect(ca.ca).toBe(true);
    expect(cert.ca).toBe(false);
    expect(cert.checkIssued(ca) && cert.verify(ca.publicKey)).toBe(true);
    for (const n of ['localhost', 'api.example.test']) expect(cert.checkHost(n)).toBe(n);
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(first.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);

    const files = () => [CA_CERT_FILE, CA_KEY_FILE, SERVER_CERT_FILE, SERVER_KEY_FILE].map((f) => readFileSync(join(dir, f), 'utf8'));
    const before = files();
    const again = await ensureTlsMaterial(dir, names);
    expect(again.origin).toBe('reused');
    expect(files()).toEqual(before);

    // A new name (the host got another address): same CA, new certificate covering old and new names.
    const more = await ensureTlsMaterial(dir, { dns: [...names.dns, 'lb.example.test'], ips: names.ips });
    expect(more.origin).toBe('reissued');
    const after = files();
    expect(after[0]).toBe(before[0]);
    expect(after[1]).toBe(before[1]);
    const reissued = new X509Certificate(more.cert);
    expect([reissued.checkHost('lb.example.test'), reissued.checkHost('api.example.test')]).toEqual(['lb.example.test', 'api.example.test']);
  });

  it('covers interface addresses but link-local ones, which come and go with every container (each would reissue the certificate)', () => {
    const iface = (address: string, family: 'IPv4' | 'IPv6') => ({ address, family, netmask: '', mac: '00:00:00:00:00:00', internal: false, cidr: null, ...(family === 'IPv6' ? { scopeid: 0 } : {}) }) as NetworkInterfaceInfo;
    const ids = hostIdentity([], {
      eth0: [iface('192.0.2.2', 'IPv4'), iface('fd00::2', 'IPv6'), iface('fe80::fc:ff:fe00:1', 'IPv6')],
      veth1: [iface('fe80::1c89:85ff:fe6f:712%veth1', 'IPv6')],
      dummy: [iface('169.254.3.4', 'IPv4')],
    });
    expect([ids.ips, ids.discovered]).toEqual([
      ['127.0.0.1', '::1'],
      ['192.0.2.2', 'fd00::2'],
    ]);
  });

  it('a new interface address (a container bridge) does not reissue the certificate; a new name does, covering the current addresses', async () => {
    const base = { dns: ['localhost'], ips: ['127.0.0.1'] };
    const first = await ensureTlsMaterial(dir, { ...base, discovered: ['192.0.2.2'] });
    expect(new X509Certificate(first.cert).checkIP('192.0.2.2')).toBe('192.0.2.2');
    const bridge = await ensureTlsMaterial(dir, { ...base, discovered: ['192.0.2.2', '172.21.0.1'] });
    expect([bridge.origin, bridge.fingerprint256]).toEqual(['reused', first.fingerprint256]);
    const named = await ensureTlsMaterial(dir, { dns: ['localhost', 'lb.example.test'], ips: base.ips, discovered: ['172.21.0.1'] });
    expect(named.origin).toBe('reissued');
    const cert = new X509Certificate(named.cert);
    expect([cert.checkIP('172.21.0.1'), cert.checkIP('192.0.2.2'), cert.checkHost('lb.example.test')]).toEqual(['172.21.0.1', '192.0.2.2', 'lb.example.test']);
  });

  it('several processes starting at once on one directory end up with one CA and one certificate', async () => {
    const script = `require('./tools/register.js'); require('./libs/tls/src/index.ts').ensureTlsMaterial(${JSON.stringify(dir)}, require('./libs/tls/src/index.ts').hostIdentity([])).then((m) => console.log(m.fingerprint256))`;
    const outs = await Promise.all(Array.from({ length: 4 }, () => run(process.execPath, ['-e', script], { cwd: ROOT })));
    const prints = outs.map((o) => o.stdout.trim());
    expect(new Set(prints).size).toBe(1);
    expect(new X509Certificate(readFileSync(join(dir, SERVER_CERT_FILE))).fingerprint256).toBe(prints[0]);
  }, 60_000);

  it("takes an operator's certificate and refuses a key of another one", async () => {
    const a = await ensureTlsMaterial(join(dir, 'a'), hostIdentity([]));
    const b = await ensureTlsMaterial(join(dir, 'b'), hostIdentity([]));
    expect(loadOperatorTls(a.certFile, a.keyFile).fingerprint256).toBe(a.fingerprint256);
    expect(() => loadOperatorTls(a.certFile, b.keyFile)).toThrow(/does not belong/);
    writeFileSync(join(dir, 'junk.key'), 'junk');
    expect(() => loadOperatorTls(a.certFile, join(dir, 'junk.key'))).toThrow(/no private key/);
  });
});
