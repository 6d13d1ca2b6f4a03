import type { FormatCheck, FormatName } from './formats';
import type { PropertyDef } from './properties';

/** The six object collections of the SDN configuration. */
export type ObjectKind = 'zones' | 'vnets' | 'subnets' | 'controllers' | 'ipams' | 'dns';
export const OBJECT_KINDS: readonly ObjectKind[] = ['zones', 'vnets', 'subnets', 'controllers', 'ipams', 'dns'];

/** Which keys a plugin type allows; `required` keys are allowed too. */
export interface TypeOptions {
  required: readonly string[];
  optional: readonly string[];
}

export interface KindSchema {
  kind: ObjectKind;
  /** Name of the ID parameter in the API (`zone`, `vnet`, `subnet`, …). */
  idParam: string;
  /** What the ID is, for the API document and the CLI's help. */
  idDescription: string;
  /** Format name of the ID as the reference's schema calls it. */
  idFormat: FormatName;
  /** Word used in messages: `sdn <label> object ID '<id>' already defined`. */
  label: string;
  checkId: FormatCheck;
  /** Unified property namespace of the kind (every type's keys). */
  properties: Readonly<Record<string, PropertyDef>>;
  /** Option tables per plugin type. */
  types: Readonly<Record<string, TypeOptions>>;
  /** Kinds with a single section type (vnet, subnet) may omit `type`. */
  implicitType?: string;
}

export function typeAllows(options: TypeOptions, key: string): boolean {
  return options.required.includes(key) || options.optional.includes(key);
}
