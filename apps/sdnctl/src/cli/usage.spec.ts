import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildProgram } from './program';
import { EXIT, EXIT_CODES_HELP } from './exit-codes';

const ROOT = path.resolve(__dirname, '../../../..');

interface Run {
  args: string[];
  code: number;
  stdout: string;
  stderr: string;
  /** Database or NATS client modules loaded during this run (and not before it). */
  loaded: string[];
}

/**
 * Runs sdnctl's main() once per argument list in one fresh process (no jest
 * module registry: what gets loaded is what the real binary loads), with the
 * API, the database and NATS all pointing at a closed port.
 */
function runAll(argvs: string[][], env: Record<string, string> = {}): Run[] {
  const script = `
    const ow = process.stdout.write.bind(process.stdout);
    const { main } = require('./apps/sdnctl/src/main.ts');
    const dbModules = () => Object.keys(require.cache).filter((f) => /node_modules\\/(pg|pg-pool|typeorm|nats)\\/|libs\\/event-store\\//.test(f));
    (async () => {
      const out = [];
      for (const args of ${JSON.stringify(argvs)}) {
        const before = new Set(dbModules());
        let stdout = '', stderr = '';
        const ew = process.stderr.write.bind(process.stderr);
        process.stdout.write = (s) => { stdout += s; return true; };
        process.stderr.write = (s) => { stderr += s; return true; };
        const origError = console.error;
        console.error = (...a) => { stderr += a.join(' ') + '\\n'; };
        let code;
        try { code = await main(args); } finally { process.stdout.write = ow; process.stderr.write = ew; console.error = origError; }
        const loaded = dbModules().filter((f) => !before.has(f)).map((f) => f.replace(/^.*node_modules\\//, '').replace(/^.*libs\\//, 'libs/'));
        out.push({ args, code, stdout, stderr, loaded: [...new Set(loaded.map((f) => f.split('/').slice(0, 2).join('/')))] });
      }
      ow('RESULT ' + JSON.stringify(out) + '\\n');
      process.exit(0);
    })();
  `;
  const r = spawnSync(process.execPath, ['-r', './tools/register.js', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
    env: {
      ...process.env,
      SDN_URL: 'https://127.0.0.1:1',
      SDN_TOKEN: 'root@pam!t=00000000-0000-0000-0000-000000000000',
      SDN_CA_FILE: '',
      SDN_FINGERPRINT: '',
      SDN_DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
      NATS_URL: 'nats://127.0.0.1:1',
      SDN_CLI_CONFIG: path.join(os.tmpdir(), `sdnctl-usage-${process.pid}.json`),
      ...env,
    },
    timeout: 150_000,
  });
  const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`no result: exit ${r.status}\n${r.stderr.slice(-3000)}`);
  return JSON.parse(line.slice(7)) as Run[];
}

describe('sdnctl refuses a wrong command line (exit 2) with a suggestion, before touching anything', () => {
  const cases: [string[], RegExp][] = [
    [['vnest'], /unknown command 'vnest'[\s\S]*Did you mean vnets\?/],
    [['statsu'], /unknown command 'statsu'[\s\S]*Did you mean status\?/],
    [['zones', '--pendig'], /unknown option '--pendig'[\s\S]*Did you mean --pending\?/],
    [['apply', '--wiat'], /unknown option '--wiat'[\s\S]*Did you mean --wait\?/],
    [['ips', 'alocate', 'v1'], /unknown command 'alocate'[\s\S]*Did you mean allocate\?/],
    [['projections', 'rebiuld'], /unknown command 'rebiuld'[\s\S]*Did you mean rebuild\?/],
    [['--urll', 'https://x', 'zones'], /unknown option '--urll'[\s\S]*Did you mean --url\?/],
    [['import'], /missing required argument 'dir'/],
    [['ips', 'release', 'v1'], /required option '--ip <ip>' not specified/],
    [['zones', '-o', 'xml'], /argument 'xml' is invalid\. Allowed choices are text, json, json-pretty, yaml/],
    [['apply', '--timeout', 'soon'], /--timeout takes an integer ≥ 1, got 'soon'/],
    [['events', '--limit', '0'], /--limit takes an integer ≥ 1, got '0'/],
    [['completion', 'fish'], /unknown shell 'fish' \(bash or zsh\)/],
    [['create', '/cluster/sdn/zones', 'zone1'], /unexpected argument 'zone1': API parameters are given as --name value/],
    [['zones', 'extra'], /too many arguments for 'zones'/],
  ];

  it('every case: exit 2, the reason on stderr, nothing on stdout, no client loaded', () => {
    const runs = runAll(cases.map(([a]) => a));
    for (const [i, r] of runs.entries()) {
      expect({ args: r.args, code: r.code, loaded: r.loaded, stdout: r.stdout }).toEqual({ args: r.args, code: EXIT.USAGE, loaded: [], stdout: '' });
      expect({ args: r.args, stderr: r.stderr }).toEqual({ args: r.args, stderr: expect.stringMatching(cases[i][1]) });
    }
    // A command group without its subcommand shows what it takes, as a usage error.
    const [group] = runAll([['ips']]);
    expect(group.code).toBe(EXIT.USAGE);
    expect(group.stdout + group.stderr).toMatch(/Usage: sdnctl ips[\s\S]*allocate[\s\S]*release/);
  }, 180_000);
});

describe('direct database access: only token bootstrap and projections, marked as such in help', () => {
  const program = buildProgram('test', { code: 0 });
  const DB = '[direct database access';
  const LOCAL = '[local: no API, no database]';
  /** Leaf commands with their full path, description and the (ancestors') descriptions. */
  const leaves: { path: string[]; own: string; inherited: string; usage: string }[] = [];
  const walk = (c: typeof program, p: string[], inherited: string) => {
    for (const s of c.commands) {
      if (s.name() === 'help') continue;
      if (s.commands.length) walk(s, [...p, s.name()], `${inherited} ${s.description()}`);
      else leaves.push({ path: [...p, s.name()], own: s.description(), inherited, usage: s.usage() });
    }
  };
  walk(program, [], '');

  it('exactly token bootstrap, projections rebuild and projections verify say so in their own help', () => {
    expect(leaves.filter((l) => l.own.includes(DB)).map((l) => l.path.join(' '))).toEqual(['token bootstrap', 'projections rebuild', 'projections verify']);
    expect(EXIT_CODES_HELP).toMatch(/^ {2}1 {3}refused by the API or the database/m);
  });

  /** Arguments that get a command past parsing to its first request. */
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sdnctl-usage-dir-'));
  fs.writeFileSync(path.join(dir, 'zones.cfg'), 'simple: z1\n');
  const pw = path.join(dir, 'pw');
  fs.writeFileSync(pw, 'secret\n');
  const EXTRA: Record<string, string[]> = {
    import: [dir],
    export: [path.join(dir, 'out')],
    'acl set': ['/sdn', '--roles', 'PVEAuditor', '--users', 'a@pve'],
    'acl delete': ['/sdn', '--roles', 'PVEAuditor', '--users', 'a@pve'],
    'ips release': ['v1', '--ip', '10.0.0.1', '--zone', 'z1'],
    'ips allocate': ['v1', '--zone', 'z1'],
    'user passwd': ['a@pve', '--password-file', pw],
    login: ['a@pve', '--password-file', pw],
    'user set': ['a@pve', '--comment', 'c'],
    'group set': ['g1', '--comment', 'c'],
  };
  /** Commands that need neither the API nor the database (they say so, or are about the local profile file). */
  const OFFLINE = new Set(['completion', 'logout', 'profile list', 'profile set', 'profile use', 'profile delete']);

  it('every other command that reaches a server reaches the API (exit 5 with it unreachable) and loads no database or NATS client', () => {
    const api = leaves.filter((l) => !l.own.includes(DB) && !l.own.includes(LOCAL) && !l.inherited.includes(LOCAL) && !OFFLINE.has(l.path.join(' ')));
    expect(api.length).toBeGreaterThan(30);
    const argvs = api.map((l) => {
      const key = l.path.join(' ');
      if (EXTRA[key]) return [...l.path, ...EXTRA[key]];
      // Positional placeholders: a path for the API verbs, a name for the rest.
      const positional = [...l.usage.matchAll(/<(\w+)>/g)].map((m) => ({ path: '/cluster/sdn/zones', tokenid: 'x1@pve!t' })[m[1]] ?? 'x1@pve');
      return [...l.path, ...positional];
    });
    const runs = runAll(argvs);
    const wrong = runs.filter((r) => r.code !== EXIT.UNREACHABLE || r.loaded.length || !/cannot reach the API at https:\/\/127\.0\.0\.1:1/.test(r.stderr));
    expect(wrong).toEqual([]);
    expect(runs).toHaveLength(api.length);
    // The marked ones do go to the database (so the check above can tell): refused, not the API.
    // (one process each: a module loaded by the first would not count as loaded by the second)
    const db = [['token', 'bootstrap', 'root@pam!boot'], ['projections', 'verify']].map((a) => runAll([a])[0]);
    for (const r of db) {
      expect({ args: r.args, loaded: r.loaded.some((m) => m.startsWith('pg/') || m.startsWith('typeorm/')) }).toEqual({ args: r.args, loaded: true });
      expect(r.code).not.toBe(EXIT.OK);
      expect(r.stderr).not.toMatch(/cannot reach the API/);
    }
  }, 180_000);
});
