import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Env, sdnctlClientConfig } from '@sdn/config';
import { UsageError } from '../args';

/**
 * Where sdnctl finds the API and its credentials. Precedence, highest first:
 * command-line flags (--url, --token, --ca, --fingerprint), the environment
 * (SDN_URL, SDN_TOKEN, SDN_CA_FILE, SDN_FINGERPRINT), the selected profile
 * (--profile, SDN_PROFILE, else the file's `current`) of
 * `~/.config/sdnctl/config.json` ($XDG_CONFIG_HOME respected; SDN_CLI_CONFIG
 * names another file). Every setting, the colour conventions (NO_COLOR,
 * FORCE_COLOR) included, is read by @sdn/config; `env` is for tests.
 */
export interface Profile {
  /** The API's base URL, e.g. `https://pve1:8006` (a trailing `/api2/json` is accepted). */
  url?: string;
  /** API token `USER@REALM!TOKENID=SECRET`. */
  token?: string;
  /** PEM file of the CA that signed the API's certificate. */
  ca?: string;
  /** SHA-256 fingerprint of the API's certificate (`AB:CD:…`); pins it instead of a CA. */
  fingerprint?: string;
  /** Last `sdnctl login`: the ticket and its CSRF token (valid two hours from `time`). */
  ticket?: { username: string; ticket: string; csrf: string; time: number };
}

export interface ConfigFile {
  current?: string;
  profiles: Record<string, Profile>;
}

export interface ConnectionFlags {
  profile?: string;
  url?: string;
  token?: string;
  ca?: string;
  fingerprint?: string;
}

export interface Connection extends Profile {
  url: string;
  profileName: string;
}

export function configPath(env?: Env): string {
  return sdnctlClientConfig(env).configFile;
}

export function readConfigFile(file = configPath()): ConfigFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { profiles: {} };
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    const raw = JSON.parse(text) as Partial<ConfigFile>;
    if (!raw || typeof raw !== 'object' || (raw.profiles !== undefined && typeof raw.profiles !== 'object')) throw new Error('expected {"profiles": {…}}');
    return { current: raw.current, profiles: raw.profiles ?? {} };
  } catch (e) {
    throw new UsageError(`${file} is not a valid sdnctl config: ${(e as Error).message}`);
  }
}

/** Written 0600: profiles hold tokens and tickets. */
export function writeConfigFile(cfg: ConfigFile, file = configPath()): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(cfg, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

export function profileName(flags: ConnectionFlags, cfg: ConfigFile, env?: Env): string {
  return flags.profile || sdnctlClientConfig(env).profile || cfg.current || 'default';
}

/** The API to talk to, from flags, environment and profile; a usage error when no URL is known. */
export function resolveConnection(flags: ConnectionFlags, env?: Env): Connection {
  const e = sdnctlClientConfig(env);
  const cfg = readConfigFile(configPath(env));
  const name = profileName(flags, cfg, env);
  const p = cfg.profiles[name] ?? {};
  if ((flags.profile || e.profile) && !cfg.profiles[name]) throw new UsageError(`no profile '${name}' in ${configPath(env)} (sdnctl profile list)`);
  const url = flags.url || e.url || p.url;
  if (!url) throw new UsageError(`no API URL: pass --url, set SDN_URL (e.g. https://pve1:8006) or create a profile (sdnctl profile set ${name} --url URL)`);
  // A token from the flags or the environment wins over the profile's ticket as well as its token.
  const token = flags.token || e.token;
  return {
    profileName: name,
    url,
    token: token || p.token,
    ticket: token ? undefined : p.ticket,
    ca: flags.ca || e.caFile || p.ca,
    fingerprint: flags.fingerprint || e.fingerprint || p.fingerprint,
  };
}

/** Debug output of internal errors (stack traces) when SDN_DEBUG is set. */
export function debugEnabled(env?: Env): boolean {
  try {
    return sdnctlClientConfig(env).debug;
  } catch {
    return false;
  }
}

/** Colour: on a terminal unless SDN_NO_COLOR / NO_COLOR is set; SDN_FORCE_COLOR / FORCE_COLOR forces it. */
export function colourWanted(stream: NodeJS.WriteStream, env?: Env): boolean {
  const c = sdnctlClientConfig(env);
  if (c.noColor) return false;
  if (c.forceColor) return true;
  return Boolean(stream.isTTY);
}
