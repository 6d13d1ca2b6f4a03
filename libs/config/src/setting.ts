import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** The environment a process starts with (or a test's stand-in for it). */
export type Env = Readonly<Record<string, string | undefined>>;

/** Who reads a setting; the README table lists it per setting. */
export type AppName = 'api' | 'config-service' | 'ipam-service' | 'dns-service' | 'node-agent' | 'audit-consumer' | 'sdnctl' | 'start';

/**
 * One environment setting. Its value comes from the first of: `name`, each
 * alias (the names older versions read), `name_FILE` / `alias_FILE` (secrets
 * only: the file's content, for Docker/Kubernetes secrets), the default.
 * An empty variable counts as unset, like the `||` the apps used before.
 */
export interface Setting<T> {
  readonly name: string;
  readonly aliases: readonly string[];
  /** Never echoed in errors; also read from `<name>_FILE`. */
  readonly secret: boolean;
  /** An empty value is a value (e.g. an empty command: "run nothing"), not "unset". */
  readonly emptyIsValue?: boolean;
  readonly apps: readonly AppName[];
  readonly doc: string;
  /** The default as text (parsed like a set value), or computed from the environment. */
  readonly default?: string | ((env: Env) => string | undefined);
  /** How the README states a computed default. */
  readonly defaultDoc?: string;
  /** Parses the text; undefined when unset without a default. */
  readonly schema: z.ZodType<T, string | undefined>;
}

/** A setting that is bad or missing; its message is one line naming it. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function setting<T>(s: Omit<Setting<T>, 'aliases' | 'secret'> & { aliases?: readonly string[]; secret?: boolean }): Setting<T> {
  return { aliases: [], secret: false, ...s };
}

interface Raw {
  text: string | undefined;
  /** The variable it came from, named in errors. */
  source: string;
}

function rawValue(s: Setting<unknown>, env: Env): Raw {
  const names = [s.name, ...s.aliases];
  for (const n of names) {
    const v = env[n];
    if (v !== undefined && (v !== '' || s.emptyIsValue)) {
      const file = s.secret ? names.map((m) => `${m}_FILE`).find((f) => env[f]) : undefined;
      if (file) throw new ConfigError(`${n} and ${file} are both set: set one of them`);
      return { text: v, source: n };
    }
  }
  if (s.secret) {
    for (const n of names) {
      const f = env[`${n}_FILE`];
      if (!f) continue;
      try {
        // A trailing newline is how editors and `echo` write a one-line file; it is not part of the secret.
        return { text: readFileSync(f, 'utf8').replace(/\r?\n$/, ''), source: `${n}_FILE` };
      } catch (e) {
        throw new ConfigError(`${n}_FILE: cannot read ${f} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
      }
    }
  }
  const d = typeof s.default === 'function' ? s.default(env) : s.default;
  return { text: d, source: s.name };
}

/** The parsed value of one setting; throws ConfigError naming the variable. */
export function read<T>(s: Setting<T>, env: Env): T {
  const raw = rawValue(s as Setting<unknown>, env);
  if (raw.text === undefined) {
    const r = s.schema.safeParse(undefined);
    if (r.success) return r.data;
    throw new ConfigError(`${s.name} is required (${s.doc})`);
  }
  const r = s.schema.safeParse(raw.text);
  if (r.success) return r.data;
  const why = r.error.issues[0]?.message ?? 'invalid';
  throw new ConfigError(`${raw.source} ${why}${s.secret ? '' : `, got '${raw.text}'`}`);
}

/** Reads a record of settings into a record of values, typed by the settings. */
export function readAll<S extends Record<string, Setting<unknown>>>(settings: S, env: Env): { [K in keyof S]: S[K] extends Setting<infer T> ? T : never } {
  const out: Record<string, unknown> = {};
  for (const [k, s] of Object.entries(settings)) out[k] = read(s, env);
  return out as { [K in keyof S]: S[K] extends Setting<infer T> ? T : never };
}

// Parsers from text. Messages follow the variable's name: "SDN_API_PORT must be …, got 'x'".

export function integer(min: number, max = Number.MAX_SAFE_INTEGER): z.ZodType<number, string> {
  return z
    .string()
    .regex(/^\d+$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be a whole number from ${min} to ${max}`);
}

export const port = integer(1, 65535);

const TRUE = ['1', 'true', 'on', 'yes'];
const FALSE = ['0', 'false', 'off', 'no'];
export const flag: z.ZodType<boolean, string> = z
  .string()
  .refine((v) => TRUE.includes(v.toLowerCase()) || FALSE.includes(v.toLowerCase()), 'must be on or off (or 1/0, true/false, yes/no)')
  .transform((v) => TRUE.includes(v.toLowerCase()));

export function oneOf<const T extends readonly [string, ...string[]]>(values: T): z.ZodType<T[number], string> {
  return z.string().refine((v): v is T[number] => (values as readonly string[]).includes(v), `must be one of ${values.join(', ')}`) as unknown as z.ZodType<T[number], string>;
}

export const text: z.ZodType<string, string> = z.string();
export const optionalText: z.ZodType<string | undefined, string | undefined> = z.string().optional();

/** A URL with one of `protocols`; `list`: comma-separated (a NATS cluster). */
export function url(protocols: string[], opts: { list?: boolean } = {}): z.ZodType<string, string> {
  const ok = (u: string) => {
    try {
      return protocols.includes(new URL(u.trim()).protocol.replace(/:$/, ''));
    } catch {
      return false;
    }
  };
  const what = `a ${protocols.join(' or ')} URL${opts.list ? ' (several separated by commas)' : ''}`;
  return z.string().refine((v) => (opts.list ? v.split(',').filter((p) => p.trim()).every(ok) && v.trim() !== '' : ok(v)), `must be ${what}`);
}

/** Items separated by commas or blanks. */
export const list: z.ZodType<string[], string> = z.string().transform((v) => v.split(/[\s,]+/).filter(Boolean));

/** Words split on blanks (a command line): set to nothing for "no command". */
export const words: z.ZodType<string[], string> = z.string().transform((v) => v.split(/\s+/).filter(Boolean));

/** Exit status of a start refused for its configuration (sysexits' EX_CONFIG). */
export const EXIT_CONFIG = 78;

/**
 * The `.catch` of an app's main: a ConfigError is one line on stderr naming
 * the setting (no stack: nothing is wrong with the code), anything else its stack.
 */
export function exitOnStartFailure(app: string): (e: unknown) => never {
  return (e) => {
    if (e instanceof ConfigError) {
      process.stderr.write(`${app}: configuration: ${e.message}\n`);
      process.exit(EXIT_CONFIG);
    }
    process.stderr.write(`${app}: fatal: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  };
}
