import * as fs from 'node:fs';
import { UsageError } from '../args';
import { ApiClient } from '../client/api-client';
import { configPath, type ConnectionFlags, profileName, readConfigFile, resolveConnection, writeConfigFile } from '../client/settings';

interface TicketAnswer {
  ticket: string;
  CSRFPreventionToken: string;
  username: string;
}

export interface PasswordSource {
  passwordFile?: string;
  passwordStdin?: boolean;
}

/** Reads the password: a file, standard input (--password-stdin), or a prompt without echo on a terminal. */
export async function readPassword(o: PasswordSource): Promise<string> {
  if (o.passwordFile) {
    try {
      return fs.readFileSync(o.passwordFile, 'utf8').replace(/\r?\n$/, '');
    } catch (e) {
      throw new UsageError(`cannot read ${o.passwordFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  if (o.passwordStdin || !process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0];
  }
  process.stderr.write('Password: ');
  const stdin = process.stdin;
  stdin.setRawMode(true);
  stdin.resume();
  return new Promise((resolve, reject) => {
    let pw = '';
    const onData = (d: Buffer) => {
      for (const ch of d.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          done();
          return resolve(pw);
        }
        if (ch === '\u0003') {
          done();
          return reject(new UsageError('interrupted', 130));
        }
        if (ch === '\u007f') pw = pw.slice(0, -1);
        else pw += ch;
      }
    };
    const done = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    stdin.on('data', onData);
  });
}

/**
 * `sdnctl login USER@REALM`: asks the API for a ticket (POST /access/ticket)
 * and keeps it, with its CSRF token, in the profile (the file is 0600). The
 * password is never stored. Later commands send the ticket as the
 * PVEAuthCookie; it is valid two hours (log in again, or renew).
 */
export async function runLogin(flags: ConnectionFlags, username: string, o: PasswordSource & { realm?: string }): Promise<number> {
  const conn = { ...resolveConnection(flags), token: undefined, ticket: undefined };
  const password = await readPassword(o);
  if (!password) throw new UsageError('empty password');
  const client = new ApiClient(conn);
  let t: TicketAnswer;
  try {
    t = await client.call<TicketAnswer>('POST', '/access/ticket', { username, password, realm: o.realm }, { anonymous: true });
  } finally {
    client.close();
  }
  const file = configPath();
  const cfg = readConfigFile(file);
  const name = profileName(flags, cfg);
  const p = (cfg.profiles[name] ??= {});
  p.url ??= conn.url;
  if (conn.ca && !p.ca) p.ca = conn.ca;
  if (conn.fingerprint && !p.fingerprint) p.fingerprint = conn.fingerprint;
  p.ticket = { username: t.username, ticket: t.ticket, csrf: t.CSRFPreventionToken, time: Math.floor(Date.now() / 1000) };
  cfg.current ??= name;
  writeConfigFile(cfg, file);
  process.stdout.write(`logged in as ${t.username} (profile ${name}; the ticket is valid for two hours)\n`);
  return 0;
}

export function runLogout(flags: ConnectionFlags): number {
  const file = configPath();
  const cfg = readConfigFile(file);
  const name = profileName(flags, cfg);
  if (cfg.profiles[name]?.ticket) {
    delete cfg.profiles[name].ticket;
    writeConfigFile(cfg, file);
  }
  process.stdout.write(`logged out (profile ${name})\n`);
  return 0;
}
