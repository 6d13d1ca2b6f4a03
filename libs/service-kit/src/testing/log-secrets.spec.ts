import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../logging';
import { recordTestSecrets, scanLogsForSecrets } from './log-secrets';

describe('secret scan of the log copies (SDN_LOG_COPY_DIR)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'log-secrets-spec-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('createLogger copies every line to <dir>/<service>-<pid>.log; redacted secrets are not findings', () => {
    const out: string[] = [];
    const log = createLogger({ service: 'scan-spec', level: 'info', copyDir: dir, destination: { write: (s: string) => void out.push(s) } });
    recordTestSecrets({ 'the password': 'correct horse battery', 'a DNS key': 'pdns-key-1234' }, dir);
    log.info({ password: 'correct horse battery', ipam: { token: 'pdns-key-1234' }, correlationId: 'c-1' }, 'user changed');
    log.debug('below the level: neither copied nor written');
    const copies = readdirSync(dir).filter((f) => !f.startsWith('.'));
    expect(copies).toEqual([`scan-spec-${process.pid}.log`]);
    const lines = readFileSync(join(dir, copies[0]), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(out).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ service: 'scan-spec', msg: 'user changed', correlationId: 'c-1', password: '[redacted]', ipam: { token: '[redacted]' } });
    expect(scanLogsForSecrets(dir)).toEqual({ files: 1, lines: 1, secrets: 2, findings: [] });
  });

  it('finds recorded secrets (as written and URL-encoded), token and ticket shapes and unredacted secret fields; never reports the value', () => {
    recordTestSecrets({ 'the password': 'correct horse battery', 'too short to scan for': 'pve' }, dir);
    writeFileSync(
      join(dir, 'svc-1.log'),
      [
        '{"msg":"ok","node":"pve"}',
        '{"msg":"login","body":"password=correct%20horse%20battery"}',
        'plain text: correct horse battery',
        '{"msg":"GET","authorization":"PVEAPIToken=root@pam!ci=0f1e2d3c-4b5a-4968-8776-655443322110"}',
        '{"msg":"ticket PVE:alice@pve:65F0A1B2::' + 'A'.repeat(43) + '="}',
        '{"msg":"deep","a":{"b":{"password":"hunter22"}}}',
        '{"msg":"fine","password":"[redacted]","user":"root@pam!ci"}',
      ].join('\n'),
    );
    const r = scanLogsForSecrets(dir);
    expect(r.secrets).toBe(1);
    expect(r.lines).toBe(7);
    expect(r.findings.map((f) => [f.line, f.what])).toEqual([
      [2, 'the password'],
      [3, 'the password'],
      [4, 'API token with its secret (PVEAPIToken=USER!ID=SECRET)'],
      [5, 'signed login ticket (PVE:user:time::signature)'],
      [6, 'unredacted value of a secret-named field'],
    ]);
    expect(JSON.stringify(r.findings)).not.toContain('horse');
  });

  it('scans nothing and finds nothing in a directory that does not exist', () => {
    expect(scanLogsForSecrets(join(dir, 'missing'))).toEqual({ files: 0, lines: 0, secrets: 0, findings: [] });
  });
});
