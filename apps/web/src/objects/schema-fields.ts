import type { JsonSchema, OpenApiDocument } from '@sdn/openapi';
import { findOperation, operationParameters, type ParameterInfo } from '@sdn/openapi/parameters';
import { type Field, fieldsOf, type Kind } from './kinds';

/** Request parameters that steer the request or that the dialog sets itself, not the object's fields. */
const NOT_FIELDS = new Set(['type', 'lock-token', 'digest', 'delete', 'generate-mac', 'gateway-outside-subnet']);

function inputKind(s: JsonSchema): Field['kind'] {
  if (s.writeOnly) return 'password';
  if (s.type === 'array') return 'list';
  if (s.enum) return 'select';
  if (s.type === 'boolean') return 'bool';
  if (s.type === 'integer' || s.type === 'number') return 'number';
  return 'text';
}

function takes(p: ParameterInfo, type: string | undefined): boolean {
  return p.in === 'body' && (!type || !p.types || p.types.includes(type));
}

/**
 * The create dialog's fields for one type, from the API's own OpenAPI document
 * (generated from the property schema the API validates with): which
 * parameters the type takes, their input kind, choices, whether the type
 * requires them, secrets, descriptions. `kinds.ts` only adds labels, order and
 * selects filled from other lists. A list value gets an input only where the
 * kind's hints ask for one (a fabric node's interfaces, one per line); others
 * (a subnet's DHCP ranges, answered as objects) are left to the API and sdnctl.
 * The type's own parameter (`type`, a fabric's `protocol`) is the dialog's type choice.
 */
export function schemaFields(doc: OpenApiDocument, kind: Kind, type: string | undefined): Field[] {
  const op = findOperation(doc, 'POST', kind.collection.replace(/\{[^}]+\}/g, 'x'));
  if (!op) return fieldsOf(kind, type);
  const listHints = new Set(fieldsOf(kind, type).filter((h) => h.kind === 'list').map((h) => h.name));
  const params = operationParameters(doc, op.operation).filter(
    (p) => takes(p, type) && p.name !== kind.idKey && p.name !== kind.typeKey && !NOT_FIELDS.has(p.name) && (p.schema.type !== 'array' || listHints.has(p.name)),
  );
  const byName = new Map(params.map((p) => [p.name, p]));
  const hints = fieldsOf(kind, type).filter((h) => byName.has(h.name));
  const hinted = new Set(hints.map((h) => h.name));
  const field = (p: ParameterInfo, hint?: Field): Field => {
    const fromList = hint?.kind === 'select' && hint.optionsFrom !== undefined;
    const enumChoices = p.schema.enum?.map(String);
    return {
      name: p.name,
      label: hint?.label ?? p.name,
      kind: fromList ? 'select' : inputKind(p.schema),
      ...(fromList ? { optionsFrom: hint.optionsFrom } : enumChoices ? { options: enumChoices } : {}),
      description: [hint?.description ?? p.schema.description, p.schema.type === 'array' ? p.schema.items?.description : undefined].filter(Boolean).join('; ') || undefined,
      required: p.required || Boolean(type && p.requiredFor?.includes(type)),
      ...(p.schema.writeOnly ? { secret: true } : {}),
    };
  };
  return [...hints.map((h) => field(byName.get(h.name)!, h)), ...params.filter((p) => !hinted.has(p.name)).map((p) => field(p))];
}
