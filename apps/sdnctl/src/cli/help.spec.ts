import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildProgram } from './program';
import { completionScript } from './completion';

const ROOT = path.resolve(__dirname, '../../../..');

/** Every command path of the tree (`['ips', 'allocate']`, …), the root included. */
function commandPaths(): string[][] {
  const program = buildProgram('test', { code: 0 });
  const out: string[][] = [[]];
  const walk = (c: typeof program, p: string[]) => {
    for (const s of c.commands) {
      out.push([...p, s.name()]);
      walk(s, [...p, s.name()]);
    }
  };
  walk(program, []);
  return out.filter((p) => p.at(-1) !== 'help');
}

describe('sdnctl --help of every command', () => {
  it('runs without the network or the database: no socket opened, no database or NATS client loaded', () => {
    const paths = commandPaths();
    expect(paths.length).toBeGreaterThan(40);
    // One process runs every --help through main(); connecting anywhere throws, and afterwards the
    // module cache must hold no pg, typeorm or nats. Settings point at nothing that answers.
    const script = `
      const net = require('node:net');
      const opened = [];
      net.Socket.prototype.connect = function () { opened.push([...arguments].map(String).join(' ')); throw new Error('network used'); };
      const { main } = require('./apps/sdnctl/src/main.ts');
      (async () => {
        const codes = {};
        for (const p of ${JSON.stringify(paths)}) codes[p.join(' ')] = await main([...p, '--help']);
        const loaded = Object.keys(require.cache).filter((f) => /node_modules\\/(pg|typeorm|nats)\\//.test(f));
        process.stderr.write('RESULT ' + JSON.stringify({ codes, opened, loaded }) + '\\n');
      })();
    `;
    const r = spawnSync(process.execPath, ['-r', './tools/register.js', '-e', script], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, SDN_DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', SDN_URL: 'http://127.0.0.1:1', NATS_URL: 'nats://127.0.0.1:1', SDN_CLI_CONFIG: '/nonexistent/sdnctl.json' },
      timeout: 120_000,
    });
    const line = r.stderr.split('\n').find((l) => l.startsWith('RESULT '));
    expect(line).toBeDefined();
    const { codes, opened, loaded } = JSON.parse(line!.slice(7)) as { codes: Record<string, number>; opened: string[]; loaded: string[] };
    expect(opened).toEqual([]);
    expect(loaded).toEqual([]);
    expect(Object.entries(codes).filter(([, c]) => c !== 0)).toEqual([]);
    // Each help names its command and lists its options.
    for (const p of paths.filter((x) => x.length)) expect(r.stdout).toContain(`Usage: sdnctl ${p.join(' ')}`);
    expect(r.stdout).toContain('Exit codes:');
  }, 150_000);

  it('prints the version', () => {
    const out = execFileSync(process.execPath, ['-r', './tools/register.js', 'apps/sdnctl/src/main.ts', '--version'], { cwd: ROOT, encoding: 'utf8' });
    expect(out.trim()).toBe(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);
  });
});

describe('shell completion', () => {
  const program = buildProgram('test', { code: 0 });

  /** What bash completes for the words typed so far (the last one is being completed). */
  function bashComplete(words: string[]): string[] {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sdnctl-compl-')), 'sdnctl.bash');
    fs.writeFileSync(file, completionScript(program, 'bash'));
    const script = `source ${file}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _sdnctl; printf '%s\\n' "\${COMPREPLY[@]}"`;
    return execFileSync('bash', ['-c', script], { encoding: 'utf8' }).split('\n').filter(Boolean).sort();
  }

  it('bash: commands, subcommands and flags', () => {
    expect(bashComplete(['sdnctl', 'zo'])).toEqual(['zones']);
    expect(bashComplete(['sdnctl', 'ips', ''])).toEqual(['allocate', 'release']);
    expect(bashComplete(['sdnctl', 'apply', '--w'])).toEqual(['--wait']);
    expect(bashComplete(['sdnctl', '--url', 'x', 'zones', '--pe'])).toEqual(['--pending']);
    expect(bashComplete(['sdnctl', 'ips', 'allocate', '--ho'])).toEqual(['--hostname']);
  });

  it('zsh: a #compdef script that zsh parses, naming every command', () => {
    const text = completionScript(program, 'zsh');
    expect(text.startsWith('#compdef sdnctl\n')).toBe(true);
    for (const c of ['zones', 'apply', 'import', 'export', 'status', 'diff', 'projections']) expect(text).toContain(`'${c}:`);
    // zsh is installed by tools/setup-test-env.sh; the script must at least parse.
    const zsh = spawnSync('zsh', ['-n'], { input: text, encoding: 'utf8' });
    expect(zsh.error).toBeUndefined();
    expect(zsh.stderr).toBe('');
    expect(zsh.status).toBe(0);
  });
});
