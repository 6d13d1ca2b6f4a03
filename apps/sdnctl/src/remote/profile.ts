import { UsageError } from '../args';
import { normaliseFingerprint } from '../client/api-client';
import { configPath, type Profile, readConfigFile, writeConfigFile } from '../client/settings';
import { printData, type OutputFormat } from '../output/format';

const PROFILE_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** A profile as shown: secrets masked. */
function shown(name: string, p: Profile, current?: string) {
  return {
    profile: name,
    current: name === current ? '*' : '',
    url: p.url ?? '',
    auth: p.token ? `token ${p.token.split('=')[0]}` : p.ticket ? `ticket ${p.ticket.username}` : 'none',
    ca: p.ca ?? '',
    fingerprint: p.fingerprint ?? '',
  };
}

export function runProfileList(format: OutputFormat): number {
  const cfg = readConfigFile();
  printData(
    Object.keys(cfg.profiles)
      .sort()
      .map((n) => shown(n, cfg.profiles[n], cfg.current)),
    format,
  );
  return 0;
}

export function runProfileSet(name: string, o: { url?: string; token?: string; ca?: string; fingerprint?: string; use?: boolean }): number {
  if (!PROFILE_NAME_RE.test(name)) throw new UsageError(`invalid profile name '${name}'`);
  if (o.token !== undefined && o.token !== '' && !/^[^\s@!=]+@[^\s@!=]+![^\s=]+=\S+$/.test(o.token)) throw new UsageError('--token must look like USER@REALM!TOKENID=SECRET');
  const cfg = readConfigFile();
  const p = (cfg.profiles[name] ??= {});
  for (const k of ['url', 'token', 'ca', 'fingerprint'] as const) {
    const v = o[k];
    if (v === undefined) continue;
    if (v === '') delete p[k];
    else p[k] = k === 'fingerprint' ? normaliseFingerprint(v) : v;
  }
  if (o.use || !cfg.current) cfg.current = name;
  writeConfigFile(cfg);
  process.stdout.write(`profile ${name} saved in ${configPath()}${cfg.current === name ? ' (current)' : ''}\n`);
  return 0;
}

export function runProfileUse(name: string): number {
  const cfg = readConfigFile();
  if (!cfg.profiles[name]) throw new UsageError(`no profile '${name}' (sdnctl profile list)`, 1);
  cfg.current = name;
  writeConfigFile(cfg);
  process.stdout.write(`current profile: ${name}\n`);
  return 0;
}

export function runProfileDelete(name: string): number {
  const cfg = readConfigFile();
  if (!cfg.profiles[name]) throw new UsageError(`no profile '${name}' (sdnctl profile list)`, 1);
  delete cfg.profiles[name];
  if (cfg.current === name) delete cfg.current;
  writeConfigFile(cfg);
  process.stdout.write(`deleted profile ${name}\n`);
  return 0;
}
