import { Command, Option } from 'commander';
import { UsageError } from '../args';
import { colourWanted, type ConnectionFlags } from '../client/settings';
import { painter } from '../output/colour';
import { OUTPUT_FORMATS, type OutputFormat } from '../output/format';
import type { ApiClient } from '../client/api-client';
import { type ApiOptions, apiParams, ParamError, withClient } from './context';
import { EXIT, EXIT_CODES_HELP } from './exit-codes';
import { parameterHelp } from './param-help';
import type { AclFields, TokenFields, UserFields } from '../remote/access';
import type { PasswordSource } from '../remote/login';

/**
 * The command tree. Actions import their implementation lazily, so `--help`
 * of any command (and a refused command line) loads no database, NATS or
 * HTTP client and touches nothing.
 */
const DB_NOTE = '[direct database access: works without the API, needs SDN_DATABASE_URL]';
const LOCAL_NOTE = '[local: no API, no database]';

type Result = { code: number };

function outputOption(): Option {
  return new Option('-o, --output-format <format>', 'output format').choices(OUTPUT_FORMATS).default('text');
}

function intArg(name: string, min = 0) {
  return (v: string): number => {
    if (!/^\d+$/.test(v) || Number(v) < min) throw new UsageError(`${name} takes an integer ≥ ${min}, got '${v}'`);
    return Number(v);
  };
}

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Rebuilds `[…positional, --flag value …]` for the commands that parse their own arguments. */
function argv(positional: readonly (string | undefined)[], opts: Record<string, unknown>): string[] {
  const out = positional.filter((p): p is string => p !== undefined);
  for (const [k, v] of Object.entries(opts)) {
    if (v === undefined || v === false) continue;
    out.push(`--${kebab(k)}`);
    if (v !== true) out.push(String(v));
  }
  return out;
}

export function buildProgram(version: string, result: Result): Command {
  const program = new Command('sdnctl');
  const globals = (cmd: Command) => cmd.optsWithGlobals() as ConnectionFlags & { color?: boolean };
  const paint = (cmd: Command) => painter(globals(cmd).color !== false && colourWanted(process.stdout));
  const tty = () => Boolean(process.stdout.isTTY);
  /** Wraps an action: its exit code goes to `result`. */
  const run =
    <A extends unknown[]>(fn: (...a: A) => Promise<number> | number) =>
    async (...a: A) => {
      result.code = await fn(...a);
    };
  /** An action that talks to the API: commander passes (…arguments, options, command); `fn` gets the client first. */
  const viaApi = <A extends unknown[]>(fn: (c: ApiClient, ...a: A) => Promise<number>) => run(async (...a: A) => withClient(globals(a[a.length - 1] as Command), (c) => fn(c, ...a)));

  program
    .description('Operate the SDN control plane: its REST API from the shell (pvesh-like), apply with progress, status, import/export of a Proxmox cluster’s /etc/pve/sdn.')
    .version(version, '-V, --version', 'print the version')
    .option('--profile <name>', 'profile of ~/.config/sdnctl/config.json to use (SDN_PROFILE)')
    .option('--url <url>', 'API base URL, e.g. https://pve1:8006 (SDN_URL)')
    .option('--token <token>', 'API token USER@REALM!TOKENID=SECRET (SDN_TOKEN)')
    .option('--ca <file>', 'CA certificate (PEM) to trust for the API (SDN_CA_FILE)')
    .option('--fingerprint <sha256>', "pin the API certificate's SHA-256 fingerprint (SDN_FINGERPRINT)")
    .option('--no-color', 'no colours, also on a terminal (NO_COLOR)')
    // Global options go before the command: after it, --token or --url are API parameters (an IPAM's token and url).
    .enablePositionalOptions()
    .showSuggestionAfterError(true)
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ outputError: (str, write) => write(str.replace(/^error: /, 'sdnctl: ')) })
    .addHelpText(
      'after',
      `\nOptions above go before the command (sdnctl --url URL zones); after a path, --name value pairs are API parameters.\nConnection: flags, then SDN_URL/SDN_TOKEN/SDN_CA_FILE/SDN_FINGERPRINT, then the profile (sdnctl profile, sdnctl login).\n\n${EXIT_CODES_HELP}`,
    );

  // --- API verbs -----------------------------------------------------------------------------
  const verbs = [
    ['get', 'GET', 'read an API path'],
    ['create', 'POST', 'create (POST) at an API path'],
    ['set', 'PUT', 'change (PUT) at an API path'],
    ['delete', 'DELETE', 'delete at an API path'],
  ] as const;
  for (const [verb, method, what] of verbs) {
    program
      .command(`${verb} <path>`)
      .description(`${what}, like pvesh ${verb}: sdnctl ${verb} /cluster/sdn/zones${verb === 'create' ? ' --zone z1 --type vlan --bridge vmbr0' : ''}`)
      .addOption(outputOption())
      .allowUnknownOption()
      .allowExcessArguments()
      .addHelpText('after', `\nAPI parameters follow the path as --name value (repeat a name for a list). Sends ${method} /api2/json<path>.`)
      // With a path (sdnctl create /cluster/sdn/zones --help): that call's parameters, from the API document.
      .addHelpText('after', ({ command }) => parameterHelp(method, command.args[0]))
      .action(
        run(async (path: string, opts: ApiOptions, cmd: Command) => {
          let params: Record<string, string | string[]>;
          try {
            params = apiParams(cmd.args.slice(1));
          } catch (e) {
            if (e instanceof ParamError) throw new UsageError(e.message);
            throw e;
          }
          const { runVerb } = await import('../remote/api-verbs');
          return withClient(globals(cmd), (c) => runVerb(c, verb, path, params, opts.outputFormat));
        }),
      );
  }

  // --- list shortcuts ------------------------------------------------------------------------
  const views = (c: Command) => c.option('--pending', 'pending view: running values with the pending changes and a state per object').option('--running', 'the running (applied) configuration');
  for (const [name, what] of [
    ['zones', 'zones'],
    ['vnets', 'VNets'],
    ['controllers', 'controllers'],
    ['ipams', 'IPAMs'],
    ['dns', 'DNS servers'],
  ] as const) {
    const c = program.command(name).description(`list ${what}`).addOption(outputOption());
    if (name !== 'ipams' && name !== 'dns') views(c);
    if (name === 'zones' || name === 'controllers' || name === 'ipams' || name === 'dns') c.option('--type <type>', 'only this type');
    c.action(viaApi(async (cl, opts: ApiOptions & { pending?: boolean; running?: boolean; type?: string }) => (await import('../remote/lists')).runList(cl, name, opts)));
  }
  views(program.command('subnets [vnet]').description('list subnets (of one VNet, or of all)').addOption(outputOption())).action(
    viaApi(async (cl, vnet: string | undefined, opts: ApiOptions & { pending?: boolean; running?: boolean }) => (await import('../remote/lists')).runSubnets(cl, vnet, opts)),
  );

  program
    .command('status')
    .description('nodes → zones → VNets with their states (coloured on a terminal)')
    .option('--node <node>', 'only this node')
    .addOption(outputOption())
    .action(viaApi(async (c, opts: ApiOptions & { node?: string }, cmd: Command) => (await import('../remote/status')).runStatus(c, opts, paint(cmd))));

  program
    .command('diff')
    .description("what apply would change: the dry run's unified diffs per node (coloured on a terminal)")
    .option('--node <node>', 'only this node (default: every node that has reported)')
    .addOption(outputOption())
    .action(viaApi(async (c, opts: ApiOptions & { node?: string }, cmd: Command) => (await import('../remote/diff')).runDiff(c, opts, paint(cmd))));

  program
    .command('apply')
    .description('commit the pending configuration; --wait follows every node (exit 0 only when all applied, 3 naming failed or offline nodes, 4 on timeout)')
    .option('--wait', 'wait for every node: live progress on a terminal, one line per node state change otherwise')
    .option('--timeout <seconds>', 'how long --wait waits', intArg('--timeout', 1), 120)
    .option('--lock-token <token>', 'the global SDN lock token, when a lock is held')
    .option('--no-release-lock', 'keep the lock after applying (with --lock-token)')
    .addOption(outputOption())
    .action(
      viaApi(async (c, opts: ApiOptions & { wait?: boolean; timeout: number; lockToken?: string; releaseLock: boolean }, cmd: Command) =>
        (await import('../remote/apply')).runApply(c, { ...opts, releaseLock: opts.lockToken ? opts.releaseLock : undefined }, paint(cmd), tty()),
      ),
    );

  const ips = program.command('ips').description('IP addresses of a VNet in its IPAM');
  const ipOpts = (c: Command) =>
    c
      .option('--zone <zone>', "the VNet's zone (looked up when not given)")
      .option('--mac <mac>', 'MAC address')
      .addOption(outputOption());
  ipOpts(
    ips
      .command('allocate <vnet>')
      .description('register --ip, or allocate the next free address (--count N for several)')
      .option('--ip <ip>', 'the address to register (default: the next free one)')
      .option('--hostname <name>', 'host name (DNS)')
      .option('--vmid <id>', 'guest id')
      .option('--subnet <cidr>', 'allocate from this subnet')
      .option('--count <n>', 'allocate n addresses'),
  ).action(viaApi(async (c, vnet: string, opts: ApiOptions & Record<string, string>) => (await import('../remote/ips')).runIpsAllocate(c, vnet, opts)));
  ipOpts(ips.command('release <vnet>').description('release an address').requiredOption('--ip <ip>', 'the address')).action(
    viaApi(async (c, vnet: string, opts: ApiOptions & Record<string, string>) => (await import('../remote/ips')).runIpsRelease(c, vnet, opts)),
  );

  program
    .command('events')
    .description('the audit event log through the API (who changed what, when; secrets masked)')
    .option('--since <seq>', 'events after this sequence number', intArg('--since'), 0)
    .option('--limit <n>', 'at most n events (without --follow)', intArg('--limit', 1), 100)
    .option('--follow', 'keep printing new events until interrupted')
    .option('--correlation <id>', 'only the events of this correlation id (one request or sdnctl run)')
    .addOption(outputOption())
    .action(
      viaApi(async (c, opts: ApiOptions & { since: number; limit: number; follow?: boolean; correlation?: string }) => {
        const { runEvents } = await import('../remote/events');
        const ac = new AbortController();
        process.once('SIGINT', () => ac.abort());
        return runEvents(c, { ...opts, signal: ac.signal });
      }),
    );

  program
    .command('import <dir>')
    .description("import a Proxmox node's /etc/pve/sdn (zones.cfg, vnets.cfg, subnets.cfg, controllers.cfg, fabrics.cfg, ipams.cfg, dns.cfg, .running-config) as pending changes")
    .option('--dry-run', 'only print what would be created, changed or refused')
    .option('--apply', 'apply afterwards and wait, like apply --wait')
    .option('--timeout <seconds>', 'how long --apply waits', intArg('--timeout', 1), 120)
    .option(
      '--accept-gateway-outside-subnet',
      "import subnets whose gateway lies outside the subnet, as Proxmox's nodes hold and render them (its API and ours refuse them by default; older versions accepted them)",
    )
    .action(
      viaApi(async (c, dir: string, opts: { dryRun?: boolean; apply?: boolean; timeout: number; acceptGatewayOutsideSubnet?: boolean }, cmd: Command) =>
        (await import('../remote/import')).runImport(c, dir, opts, paint(cmd), tty()),
      ),
    );
  program
    .command('export <dir>')
    .description('write the running configuration as /etc/pve/sdn files (section config and .running-config)')
    .action(viaApi(async (c, dir: string) => (await import('../remote/export')).runExport(c, dir)));

  // --- sessions and profiles -----------------------------------------------------------------
  program
    .command('login <username>')
    .description('log in with a user name and password (POST /access/ticket); the ticket is kept in the profile')
    .option('--realm <realm>', 'authentication realm (else the one in USER@REALM)')
    .option('--password-file <file>', 'read the password from a file')
    .option('--password-stdin', 'read the password from standard input')
    .action(
      run(async (username: string, opts: { realm?: string; passwordFile?: string; passwordStdin?: boolean }, cmd: Command) => {
        const { runLogin } = await import('../remote/login');
        return runLogin(globals(cmd), username, opts);
      }),
    );
  program
    .command('logout')
    .description("forget the profile's ticket")
    .action(
      run(async (_o: unknown, cmd: Command) => {
        const { runLogout } = await import('../remote/login');
        return runLogout(globals(cmd));
      }),
    );
  const profile = program.command('profile').description('connection profiles in ~/.config/sdnctl/config.json');
  profile
    .command('list')
    .description('list profiles (secrets masked)')
    .addOption(outputOption())
    .action(run(async (o: ApiOptions) => (await import('../remote/profile')).runProfileList(o.outputFormat)));
  profile
    .command('set <name>')
    .description('create or change a profile (an empty value removes a setting)')
    .option('--url <url>', 'API base URL')
    .option('--token <token>', 'API token USER@REALM!TOKENID=SECRET')
    .option('--ca <file>', 'CA certificate file')
    .option('--fingerprint <sha256>', 'pinned certificate fingerprint')
    .option('--use', 'make it the current profile')
    .action(run(async (name: string, o: Record<string, string>) => (await import('../remote/profile')).runProfileSet(name, o)));
  profile
    .command('use <name>')
    .description('make a profile the current one')
    .action(run(async (name: string) => (await import('../remote/profile')).runProfileUse(name)));
  profile
    .command('delete <name>')
    .description('delete a profile')
    .action(run(async (name: string) => (await import('../remote/profile')).runProfileDelete(name)));

  program
    .command('completion <shell>')
    .description('print the shell completion script: bash (source it) or zsh (put it on $fpath as _sdnctl)')
    .action(
      run(async (shell: string) => {
        const { completionScript } = await import('./completion');
        if (shell !== 'bash' && shell !== 'zsh') throw new UsageError(`completion: unknown shell '${shell}' (bash or zsh)`);
        process.stdout.write(completionScript(program, shell));
        return 0;
      }),
    );

  // --- local commands (no API) ---------------------------------------------------------------
  program
    .command('render')
    .description(`render a node's files from a running config ${LOCAL_NOTE}`)
    .option('--case <file>', 'a conformance case.json (config and node facts)')
    .option('--config <file>', 'RUNNING.json')
    .option('--facts <file>', 'FACTS.json of the node')
    .requiredOption('--out <dir>', 'write sdn_interfaces (and frr.conf) here')
    .action(run(async (o: Record<string, string>) => (await import('../commands/render')).run(argv([], o))));
  program
    .command('validate')
    .description(`print every problem of a running config; exit 2 when invalid ${LOCAL_NOTE}`)
    .requiredOption('--config <file>', 'RUNNING.json')
    .action(run(async (o: Record<string, string>) => (await import('../commands/validate')).run(argv([], o))));
  program
    .command('conformance <dir>')
    .description(`run every case.json below DIR against the renderer ${LOCAL_NOTE}`)
    .action(run(async (dir: string) => (await import('../commands/conformance')).run([dir])));

  const nats = program.command('nats').description(`NATS identities and server configuration ${LOCAL_NOTE}; auditor talks to NATS`);
  nats
    .command('credentials')
    .description('create (or show) an identity seed and print the environment it needs')
    .requiredOption('--identity <id>', 'admin, api, config-service, dns-service, ipam-service, node:<name> or auditor:<name>')
    .option('--dir <dir>', 'identity directory (SDN_NATS_IDENTITY_DIR)')
    .option('--rotate', 'replace the seed')
    .action(run(async (o: Record<string, unknown>) => (await import('../commands/nats')).run(argv(['credentials'], o))));
  nats
    .command('auditor <name>')
    .description('create the durable consumer audit-NAME on the events stream (as admin, SDN_NATS_URL)')
    .option('--dir <dir>', 'identity directory')
    .option('--namespace <ns>', 'bus namespace (SDN_BUS_NAMESPACE)')
    .action(run(async (name: string, o: Record<string, unknown>) => (await import('../commands/nats')).run(argv(['auditor', name], o))));
  nats
    .command('config')
    .description('write a nats-server config with every identity (public keys only)')
    .requiredOption('--out <file>', 'config file to write')
    .option('--dir <dir>', 'identity directory')
    .option('--nodes <list>', 'node names, comma-separated')
    .option('--listen <host:port>', 'listen address')
    .option('--store-dir <dir>', 'JetStream store directory')
    .option('--namespace <ns>', 'bus namespace (SDN_BUS_NAMESPACE)')
    .action(run(async (o: Record<string, unknown>) => (await import('../commands/nats')).run(argv(['config'], o))));

  // --- users, tokens, ACL (through /access) -----------------------------------------------------
  const access = () => import('../remote/access');
  /** A subcommand that prints one API read in --output-format. */
  const listing = (parent: Command, name: string, what: string, fn: (c: ApiClient, o: ApiOptions) => Promise<number>) =>
    parent.command(name).description(what).addOption(outputOption()).action(viaApi(fn));
  const user = program.command('user').description('users (/access/users, /access/password)');
  const userOpts = (c: Command) =>
    c
      .option('--groups <list>', 'groups, comma-separated (set: replaces the membership)')
      .option('--comment <text>', 'comment')
      .option('--email <email>', 'e-mail')
      .option('--firstname <name>', 'first name')
      .option('--lastname <name>', 'last name')
      .option('--expire <unixtime>', 'expiry (0: never)')
      .option('--enable <0|1>', 'enabled');
  userOpts(user.command('add <userid>').description('create a user USER@REALM')).action(viaApi(async (c, id: string, o: UserFields) => (await access()).userAdd(c, id, o)));
  userOpts(user.command('set <userid>').description('change a user'))
    .option('--append', 'add --groups to the membership instead of replacing it')
    .action(viaApi(async (c, id: string, o: UserFields) => (await access()).userSet(c, id, o)));
  listing(user, 'list', 'list users', async (c, o) => (await access()).userList(c, o));
  user
    .command('delete <userid>')
    .description('delete a user with its tokens and ACL entries')
    .action(viaApi(async (c, id: string) => (await access()).userDelete(c, id)));
  user
    .command('passwd <userid>')
    .description('set the password of a @pve user (or root@pam): from a file, standard input or a prompt, never the command line')
    .option('--password-file <file>', 'read the password from a file')
    .option('--password-stdin', 'read the password from standard input')
    .action(viaApi(async (c, id: string, o: PasswordSource) => (await access()).userPasswd(c, id, o)));

  const group = program.command('group').description('groups (/access/groups): ACL entries for a group grant its members');
  for (const [verb, what] of [
    ['add', 'create a group'],
    ['set', 'change a group'],
  ] as const) {
    group
      .command(`${verb} <groupid>`)
      .description(what)
      .option('--comment <text>', 'comment')
      .action(viaApi(async (c, id: string, o: { comment?: string }) => (await access())[verb === 'add' ? 'groupAdd' : 'groupSet'](c, id, o)));
  }
  listing(group, 'list', 'list groups with their members', async (c, o) => (await access()).groupList(c, o));
  group
    .command('delete <groupid>')
    .description('delete a group (members leave it, its ACL entries go)')
    .action(viaApi(async (c, id: string) => (await access()).groupDelete(c, id)));

  const token = program.command('token').description('API tokens (/access/users/USER/token); token bootstrap works without the API');
  token
    .command('create <tokenid>')
    .description('create a token USER@REALM!TOKENID of an existing user; prints the secret once')
    .option('--comment <text>', 'comment')
    .option('--privsep <0|1>', "privilege separation (default 1: the token has only what the ACL grants it, not its user's rights)")
    .option('--expire <unixtime>', 'expiry (0: never)')
    .addOption(outputOption())
    .action(viaApi(async (c, id: string, o: TokenFields & ApiOptions) => (await access()).tokenCreate(c, id, o)));
  token
    .command('list [userid]')
    .description("list tokens (of one user, or of every user you may see)")
    .addOption(outputOption())
    .action(viaApi(async (c, userid: string | undefined, o: ApiOptions) => (await access()).tokenList(c, userid, o)));
  token
    .command('delete <tokenid>')
    .description('revoke a token')
    .action(viaApi(async (c, id: string) => (await access()).tokenDelete(c, id)));
  token
    .command('bootstrap <tokenid>')
    .description(`create a first token USER@REALM!TOKENID (and its user if new) when no API token exists yet; prints the secret once ${DB_NOTE}`)
    .option('--comment <text>', 'comment')
    .option('--privsep <0|1>', 'privilege separation (default 0: the token acts as its user)')
    .option('--expire <unixtime>', 'expiry')
    .action(run(async (id: string, o: Record<string, unknown>) => (await import('../commands/token')).run(argv(['create', id], o))));

  const acl = program.command('acl').description('ACL entries (/access/acl) and roles');
  const aclOpts = (c: Command) => c.requiredOption('--roles <list>', 'roles, comma-separated').option('--users <list>', 'users').option('--groups <list>', 'groups').option('--tokens <list>', 'tokens');
  aclOpts(acl.command('set <path>').description('grant roles on an ACL path'))
    .option('--propagate <0|1>', 'propagate to sub-paths (default 1)')
    .action(viaApi(async (c, p: string, o: AclFields) => (await access()).aclChange(c, 'set', p, o)));
  aclOpts(acl.command('delete <path>').description('remove those entries')).action(viaApi(async (c, p: string, o: AclFields) => (await access()).aclChange(c, 'delete', p, o)));
  listing(acl, 'list', 'list ACL entries', async (c, o) => (await access()).aclList(c, o));
  listing(acl, 'roles', 'list roles and their privileges', async (c, o) => (await access()).roleList(c, o));

  // --- direct database access (bootstrap and repair) ----------------------------------------
  const projections = program.command('projections').description(`projection tables ${DB_NOTE}`);
  projections
    .command('rebuild')
    .description(`rebuild the SDN and access projections from the event log ${DB_NOTE}`)
    .action(run(async () => (await import('../commands/projections')).run(['rebuild'])));
  projections
    .command('verify')
    .description(`rebuild in a rolled-back transaction and report whether the live tables match ${DB_NOTE}`)
    .action(run(async () => (await import('../commands/projections')).run(['verify'])));

  // Every command: suggestions for typos, refusal of unknown flags (commander's default), help without side effects.
  const walk = (c: Command) => {
    c.showSuggestionAfterError(true);
    c.exitOverride();
    c.commands.forEach(walk);
  };
  walk(program);
  return program;
}

export { EXIT };
export type { OutputFormat };
