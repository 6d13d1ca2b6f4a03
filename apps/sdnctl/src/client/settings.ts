import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UsageError } from '../args';

/**
 * Where sdnctl finds the API and its credentials. Precedence, highest first:
 * command-line flags (--url, --token, --ca, --fingerprint), the environment
 * (SDN_URL, SDN_TOKEN, SDN_CA_FILE, SDN_FINGERPRINT), the selected profile
 * (--profile, SDN_PROFILE, else the file's `current`) of
 * `~/.config/sdnctl/config.json` ($XDG_CONFIG_HOME respected; SDNCTL_CONFIG
 * names another file). Every setting sdnctl reads from the environment is
 * read here.
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

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SDNCTL_CONFIG) return env.SDNCTL_CONFIG;
  const base = env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), '.config');
  return path.join(base, 'sdnctl', 'config.json');
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

export function profileName(flags: ConnectionFlags, cfg: ConfigFile, env: NodeJS.ProcessEnv = process.env): string {
  return flags.profile || env.SDN_PROFILE || cfg.current || 'default';
}

/** The API to talk to, from flags, environment and profile; a usage error when no URL is known. */
export function resolveConnection(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): Connection {
  const cfg = readConfigFile(configPath(env));
  const name = profileName(flags, cfg, env);
  const p = cfg.profiles[name] ?? {};
  if ((flags.profile || env.SDN_PROFILE) && !cfg.profiles[name]) throw new UsageError(`no profile '${name}' in ${configPath(env)} (sdnctl profile list)`);
  const url = flags.url || env.SDN_URL || p.url;
  if (!url) throw new UsageError(`no API URL: pass --url, set SDN_URL (e.g. https://pve1:8006) or create a profile (sdnctl profile set ${name} --url URL)`);
  // A token from the flags or the environment wins over the profile's ticket as well as its token.
  const token = flags.token || env.SDN_TOKEN;
  return {
    profileName: name,
    url,
    token: token || p.token,
    ticket: token ? undefined : p.ticket,
    ca: flags.ca || env.SDN_CA_FILE || p.ca,
    fingerprint: flags.fingerprint || env.SDN_FINGERPRINT || p.fingerprint,
  };
}

/** Debug output of internal errors (stack traces) when SDN_DEBUG is set. */
export function debugEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.SDN_DEBUG);
}

/** Colour: on a terminal unless NO_COLOR is set; FORCE_COLOR forces it. */
export function colourWanted(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY);
}
