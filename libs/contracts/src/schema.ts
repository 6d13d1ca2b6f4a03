/**
 * A deliberately small schema checker for message payloads at the edges
 * (publish and consume). It returns every problem as a path → message map
 * and never throws, so a malformed message can be rejected with a reason.
 */
export type Check = (value: unknown, path: string, problems: Record<string, string>) => void;

const at = (path: string, key: string) => (path ? `${path}.${key}` : key);

export const str: Check = (v, p, out) => {
  if (typeof v !== 'string') out[p] = 'must be a string';
};
export const nonEmptyStr: Check = (v, p, out) => {
  if (typeof v !== 'string' || v === '') out[p] = 'must be a non-empty string';
};
export const int: Check = (v, p, out) => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) out[p] = 'must be a non-negative integer';
};
export const bool: Check = (v, p, out) => {
  if (typeof v !== 'boolean') out[p] = 'must be a boolean';
};
export const any: Check = () => undefined;
export const record: Check = (v, p, out) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) out[p] = 'must be an object';
};
export function optional(c: Check): Check {
  return (v, p, out) => {
    if (v !== undefined && v !== null) c(v, p, out);
  };
}
export function oneOf(...values: string[]): Check {
  return (v, p, out) => {
    if (typeof v !== 'string' || !values.includes(v)) out[p] = `must be one of ${values.join(', ')}`;
  };
}
export function arrayOf(c: Check): Check {
  return (v, p, out) => {
    if (!Array.isArray(v)) out[p] = 'must be an array';
    else v.forEach((item, i) => c(item, `${p}[${i}]`, out));
  };
}
export function mapOf(c: Check): Check {
  return (v, p, out) => {
    record(v, p, out);
    if (out[p]) return;
    // Maps hold thousands of entries (a status per vnet): check each against a short
    // path first, and build its full path only when it has a problem.
    const scratch: Record<string, string> = {};
    for (const k in v as object) {
      if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
      const item = (v as Record<string, unknown>)[k];
      c(item, '', scratch);
      for (const _ in scratch) {
        c(item, at(p, k), out);
        for (const key of Object.keys(scratch)) delete scratch[key];
        break;
      }
    }
  };
}
export function object(fields: Record<string, Check>): Check {
  return (v, p, out) => {
    record(v, p, out);
    if (out[p]) return;
    for (const [k, c] of Object.entries(fields)) c((v as Record<string, unknown>)[k], at(p, k), out);
  };
}

export function check(c: Check, value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  c(value, '', out);
  return out;
}

export class ContractViolation extends Error {
  constructor(
    readonly contract: string,
    readonly problems: Record<string, string>,
  ) {
    super(`${contract}: ${Object.entries(problems).map(([k, m]) => `${k || '(message)'} ${m}`).join('; ')}`);
  }
}
