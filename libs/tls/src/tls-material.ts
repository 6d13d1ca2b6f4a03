import 'reflect-metadata'; // @peculiar/x509's dependency injection needs it loaded first
import { createPrivateKey, randomBytes, webcrypto, X509Certificate as NodeX509 } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as x509 from '@peculiar/x509';
import { type HostIdentity, hostIdentity } from './host-names';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type KeyPair = webcrypto.CryptoKeyPair;

/** The key and certificate the API serves, and what a client needs to trust it. */
export interface TlsMaterial {
  key: string;
  cert: string;
  certFile: string;
  keyFile: string;
  /** The private CA that issued `cert` (absent for an operator's own certificate). */
  caFile?: string;
  /** SHA-256 fingerprint of `cert`, `AA:BB:…` (what pveproxy's certificate info shows). */
  fingerprint256: string;
  /** What happened at this start: material created, a server certificate reissued, or reused. */
  origin: 'created' | 'reissued' | 'reused' | 'operator';
}

export const CA_CERT_FILE = 'ca.pem';
export const CA_KEY_FILE = 'ca.key';
export const SERVER_CERT_FILE = 'server.pem';
export const SERVER_KEY_FILE = 'server.key';
const LOCK_FILE = '.lock';

/** P-256 keys: fast to create and to handshake with, and every Proxmox client's TLS stack takes them. */
const KEY_ALG = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN_ALG = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY = 86_400_000;
const CA_DAYS = 3650;
/** Two years, like pveproxy's own certificate; renewed (same CA) once less than RENEW_DAYS remain. */
const SERVER_DAYS = 730;
const RENEW_DAYS = 30;
/** A lock older than this is left over from a process that died while creating the material. */
const STALE_LOCK_MS = 30_000;

function pemKey(der: ArrayBuffer): string {
  return x509.PemConverter.encode(der, 'PRIVATE KEY') + '\n';
}

/** Writes through a temporary file and rename, so no reader ever sees half a file. */
function writeAtomic(file: string, data: string, mode: number): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'w', mode);
  try {
    writeSync(fd, data);
  } finally {
    closeSync(fd);
  }
  chmodSync(tmp, mode);
  renameSync(tmp, file);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `fn` holding `<dir>/.lock` (created with O_EXCL, so exactly one of
 * several replicas starting together on a shared directory creates the
 * material; the others wait and then read it).
 */
async function withDirLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const lock = join(dir, LOCK_FILE);
  for (;;) {
    try {
      const fd = openSync(lock, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      try {
        if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) unlinkSync(lock);
      } catch {
        // released (or removed by another waiter) meanwhile
      }
      await sleep(50 + Math.random() * 100);
    }
  }
  try {
    return await fn();
  } finally {
    try {
      unlinkSync(lock);
    } catch {
      // already gone
    }
  }
}

function readIf(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

/** The names and addresses a certificate covers. */
function coveredNames(cert: NodeX509): HostIdentity {
  const dns: string[] = [];
  const ips: string[] = [];
  for (const part of (cert.subjectAltName ?? '').split(/,\s*/)) {
    if (part.startsWith('DNS:')) dns.push(part.slice(4));
    else if (part.startsWith('IP Address:')) ips.push(part.slice(11).toLowerCase());
  }
  return { dns, ips };
}

/** Addresses as X.509 stores them (IPv6 in full), so a comparison with node's printout works. */
function canonicalIp(ip: string): string {
  if (!ip.includes(':')) return ip;
  const [head, tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return groups.map((g) => g.padStart(4, '0').replace(/^0+(?=.)/, '')).join(':').toLowerCase();
}

function missingNames(cert: NodeX509, want: HostIdentity): boolean {
  const have = coveredNames(cert);
  const haveIps = new Set(have.ips.map(canonicalIp));
  return want.dns.some((d) => !have.dns.includes(d)) || want.ips.some((ip) => !haveIps.has(canonicalIp(ip)));
}

async function createCa(): Promise<{ cert: string; key: string }> {
  const keys = (await webcrypto.subtle.generateKey(KEY_ALG, true, ['sign', 'verify'])) as KeyPair;
  const now = Date.now();
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(16).toString('hex').replace(/^[89a-f]/, '1'),
    name: `CN=SDN control plane CA ${randomBytes(4).toString('hex')}, O=SDN control plane`,
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + CA_DAYS * DAY),
    signingAlgorithm: SIGN_ALG,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert: ca.toString('pem') + '\n', key: pemKey(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)) };
}

async function issueServerCert(caPem: string, caKeyPem: string, names: HostIdentity): Promise<{ cert: string; key: string }> {
  const ca = new x509.X509Certificate(caPem);
  const caKey = await webcrypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(caKeyPem), KEY_ALG, false, ['sign']);
  const keys = (await webcrypto.subtle.generateKey(KEY_ALG, true, ['sign', 'verify'])) as KeyPair;
  const now = Date.now();
  const cn = names.dns.find((d) => d !== 'localhost') ?? 'localhost';
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomBytes(16).toString('hex').replace(/^[89a-f]/, '1'),
    subject: `CN=${cn}, O=SDN control plane`,
    issuer: ca.subject,
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + SERVER_DAYS * DAY),
    signingAlgorithm: SIGN_ALG,
    publicKey: keys.publicKey,
    signingKey: caKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([...names.dns.map((value) => ({ type: 'dns' as const, value })), ...names.ips.map((value) => ({ type: 'ip' as const, value }))]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca),
    ],
  });
  return { cert: cert.toString('pem') + '\n', key: pemKey(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)) };
}

/** True when the server certificate needs no reissue: signed by this CA, long enough valid, covering `names`. */
function serverCertUsable(certPem: string, caPem: string, names: HostIdentity): boolean {
  try {
    const cert = new NodeX509(certPem);
    const ca = new NodeX509(caPem);
    if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return false;
    if (Date.parse(cert.validTo) - Date.now() < RENEW_DAYS * DAY) return false;
    return !missingNames(cert, names);
  } catch {
    return false;
  }
}

function union(a: HostIdentity, b: HostIdentity): HostIdentity {
  return { dns: [...new Set([...a.dns, ...b.dns])].sort(), ips: [...new Set([...a.ips, ...b.ips])].sort() };
}

function material(dir: string, key: string, cert: string, origin: TlsMaterial['origin']): TlsMaterial {
  return {
    key,
    cert,
    certFile: join(dir, SERVER_CERT_FILE),
    keyFile: join(dir, SERVER_KEY_FILE),
    caFile: join(dir, CA_CERT_FILE),
    fingerprint256: new NodeX509(cert).fingerprint256,
    origin,
  };
}

/**
 * The API's TLS material in `dir` (`<SDN_DATA_DIR>/tls`), as pveproxy keeps
 * its own: a private CA (`ca.pem`, `ca.key`) and a server certificate
 * (`server.pem`, `server.key`) for this host's names and addresses, created
 * on first start and reused afterwards. Keys are mode 0600. The server
 * certificate is reissued by the same CA only when it expires within 30 days
 * or a name/address asked for is missing, not for an interface address that
 * appeared since (see HostIdentity.discovered); a reissue covers the
 * interfaces' current addresses and the old names too (so
 * replicas sharing the directory converge instead of taking turns).
 */
export async function ensureTlsMaterial(dirIn: string, names: HostIdentity): Promise<TlsMaterial> {
  const dir = resolve(dirIn);
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const files = {
    caCert: join(dir, CA_CERT_FILE),
    caKey: join(dir, CA_KEY_FILE),
    cert: join(dir, SERVER_CERT_FILE),
    key: join(dir, SERVER_KEY_FILE),
  };
  const read = () => ({ caCert: readIf(files.caCert), caKey: readIf(files.caKey), cert: readIf(files.cert), key: readIf(files.key) });
  const fast = read();
  if (fast.caCert && fast.cert && fast.key && serverCertUsable(fast.cert, fast.caCert, names)) return material(dir, fast.key, fast.cert, 'reused');
  return withDirLock(dir, async () => {
    // Another replica may have finished while we waited for the lock.
    const now = read();
    if (now.caCert && now.cert && now.key && serverCertUsable(now.cert, now.caCert, names)) return material(dir, now.key, now.cert, 'reused');
    let origin: TlsMaterial['origin'] = 'reissued';
    let caCert = now.caCert;
    let caKey = now.caKey;
    if (!caCert || !caKey) {
      const ca = await createCa();
      caCert = ca.cert;
      caKey = ca.key;
      origin = 'created';
      writeAtomic(files.caKey, caKey, 0o600);
      writeAtomic(files.caCert, caCert, 0o644);
    }
    // Issued for what is asked and what the interfaces have now.
    let want: HostIdentity = { dns: names.dns, ips: [...new Set([...names.ips, ...(names.discovered ?? [])])].sort() };
    if (now.cert && now.caCert === caCert) {
      try {
        want = union(coveredNames(new NodeX509(now.cert)), want);
      } catch {
        // unreadable: issue for the current names only
      }
    }
    const server = await issueServerCert(caCert, caKey, want);
    writeAtomic(files.key, server.key, 0o600);
    writeAtomic(files.cert, server.cert, 0o644);
    return material(dir, server.key, server.cert, origin);
  });
}

/** An operator's own certificate and key (`SDN_TLS_CERT`, `SDN_TLS_KEY`), checked to belong together. */
export function loadOperatorTls(certFile: string, keyFile: string): TlsMaterial {
  const cert = readFileSync(certFile, 'utf8');
  const key = readFileSync(keyFile, 'utf8');
  const parsed = new NodeX509(cert);
  // checkPrivateKey throws on garbage and answers false on a key of another certificate.
  let matches = false;
  try {
    matches = parsed.checkPrivateKey(createPrivateKey(key));
  } catch (e) {
    throw new Error(`SDN_TLS_KEY (${keyFile}) is no private key: ${(e as Error).message}`);
  }
  if (!matches) throw new Error(`SDN_TLS_KEY (${keyFile}) does not belong to the certificate in SDN_TLS_CERT (${certFile})`);
  return { key, cert, certFile: resolve(certFile), keyFile: resolve(keyFile), fingerprint256: parsed.fingerprint256, origin: 'operator' };
}

/** The settings that decide what the API serves (SDN_API_TLS, SDN_TLS_CERT/KEY, SDN_DATA_DIR, SDN_API_HOST, SDN_TLS_NAMES). */
export interface ApiTlsSettings {
  tls: boolean;
  tlsCert?: string;
  tlsKey?: string;
  dataDir: string;
  host: string;
  tlsNames: string[];
}

/**
 * The certificate to serve: the operator's (`SDN_TLS_CERT`/`SDN_TLS_KEY`),
 * else the generated one under `<SDN_DATA_DIR>/tls` for this host's names;
 * null for plain HTTP. The API and `npm start` (which prints where the CA is) share it.
 */
export async function resolveApiTls(s: ApiTlsSettings): Promise<TlsMaterial | null> {
  if (!s.tls) return null;
  if (Boolean(s.tlsCert) !== Boolean(s.tlsKey)) throw new Error('SDN_TLS_CERT and SDN_TLS_KEY must be set together');
  if (s.tlsCert && s.tlsKey) return loadOperatorTls(s.tlsCert, s.tlsKey);
  return ensureTlsMaterial(join(s.dataDir, 'tls'), hostIdentity([s.host, ...s.tlsNames]));
}
