/**
 * A deliberately small schema checker for message payloads at the edges
 * (publish and consume). It returns every problem as a path → message map
 * and never throws, so a malformed message can be rejected with a reason.
 *
 * Each combinator also describes itself as JSON Schema (`toJsonSchema`), so a
 * contract is written once and both checked here and published to consumers
 * in other languages (GET …/events/schemas). A hand-written Check (a plain
 * function) has no description and comes out as `{}` (anything): keep those
 * for envelopes, not for event payloads.
 */
export type Check = ((value: unknown, path: string, problems: Record<string, string>) => void) & { json?: JsonSchema; optional?: boolean };

/** The subset of JSON Schema (draft 2020-12) the combinators produce. */
export type JsonSchema = { [key: string]: unknown };

function described(c: Check, json: JsonSchema, opt?: boolean): Check {
  c.json = json;
  if (opt) c.optional = true;
  return c;
}

/** The JSON Schema of a check built from these combinators. */
export function toJsonSchema(c: Check): JsonSchema {
  return c.json ?? {};
}

const at = (path: string, key: string) => (path ? `${path}.${key}` : key);

export const str: Check = described(
  (v, p, out) => {
    if (typeof v !== 'string') out[p] = 'must be a string';
  },
  { type: 'string' },
);
export const nonEmptyStr: Check = described(
  (v, p, out) => {
    if (typeof v !== 'string' || v === '') out[p] = 'must be a non-empty string';
  },
  { type: 'string', minLength: 1 },
);
export const int: Check = described(
  (v, p, out) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) out[p] = 'must be a non-negative integer';
  },
  { type: 'integer', minimum: 0 },
);
export const bool: Check = described(
  (v, p, out) => {
    if (typeof v !== 'boolean') out[p] = 'must be a boolean';
  },
  { type: 'boolean' },
);
export const any: Check = described(() => undefined, {});
export const record: Check = described(
  (v, p, out) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) out[p] = 'must be an object';
  },
  { type: 'object' },
);
/** Absent (or null) allowed; in an object, the field is left out of `required`. */
export function optional(c: Check): Check {
  const inner = toJsonSchema(c);
  return described(
    (v, p, out) => {
      if (v !== undefined && v !== null) c(v, p, out);
    },
    Object.keys(inner).length ? { anyOf: [inner, { type: 'null' }] } : {},
    true,
  );
}
export function oneOf(...values: string[]): Check {
  return described(
    (v, p, out) => {
      if (typeof v !== 'string' || !values.includes(v)) out[p] = `must be one of ${values.join(', ')}`;
    },
    { type: 'string', enum: values },
  );
}
/** One of the given integers (HTTP statuses and the like). */
export function oneOfInt(...values: number[]): Check {
  return described(
    (v, p, out) => {
      if (typeof v !== 'number' || !values.includes(v)) out[p] = `must be one of ${values.join(', ')}`;
    },
    { type: 'integer', enum: values },
  );
}
export function arrayOf(c: Check): Check {
  return described(
    (v, p, out) => {
      if (!Array.isArray(v)) out[p] = 'must be an array';
      else v.forEach((item, i) => c(item, `${p}[${i}]`, out));
    },
    { type: 'array', items: toJsonSchema(c) },
  );
}
/** Either of two shapes (the first one's problems are reported when neither fits). */
export function either(a: Check, b: Check): Check {
  return described(
    (v, p, out) => {
      const first: Record<string, string> = {};
      a(v, p, first);
      if (!Object.keys(first).length) return;
      const second: Record<string, string> = {};
      b(v, p, second);
      if (Object.keys(second).length) Object.assign(out, first);
    },
    { anyOf: [toJsonSchema(a), toJsonSchema(b)] },
  );
}
export function mapOf(c: Check): Check {
  return described(mapCheck(c), { type: 'object', additionalProperties: toJsonSchema(c) });
}
function mapCheck(c: Check): Check {
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
/** An object with these fields (others are allowed: a newer producer may add optional ones). */
export function object(fields: Record<string, Check>): Check {
  const properties: Record<string, JsonSchema> = {};
  for (const [k, c] of Object.entries(fields)) properties[k] = toJsonSchema(c);
  const required = Object.entries(fields)
    .filter(([, c]) => !c.optional && c.json !== undefined && Object.keys(c.json).length > 0)
    .map(([k]) => k);
  return described(
    (v, p, out) => {
      record(v, p, out);
      if (out[p]) return;
      for (const [k, c] of Object.entries(fields)) c((v as Record<string, unknown>)[k], at(p, k), out);
    },
    { type: 'object', properties, ...(required.length ? { required } : {}) },
  );
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
