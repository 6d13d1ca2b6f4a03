import { Alert, Button, Checkbox, Group, Modal, NumberInput, PasswordInput, Select, Stack, Textarea, TextInput } from '@mantine/core';
import { useState } from 'react';
import { ApiError, errorText } from '../api/client';
import type { OpenApiDocument } from '@sdn/openapi';
import { type Field, fieldsOf, type Kind } from './kinds';
import { listChange, listText } from './list-values';
import { schemaFields } from './schema-fields';

export interface DialogProps {
  kind: Kind;
  /** Existing object (edit) or undefined (create). */
  initial?: Record<string, unknown>;
  /** Options for `optionsFrom` selects, by kind name. */
  options: Partial<Record<string, string[]>>;
  /** Sends the request; throws ApiError with field errors on a 400. */
  submit: (params: Record<string, unknown>) => Promise<void>;
  onClose: () => void;
  /** Fixed parameters shown read-only (e.g. the subnet's vnet). */
  context?: Record<string, string>;
  /** The API's OpenAPI document: the fields follow it (the kind's hints until it is read). */
  doc?: OpenApiDocument;
  /** The type when the parent fixes it (a fabric node: its fabric's protocol); no type choice then. */
  fixedType?: string;
}

type Values = Record<string, string | number | boolean | undefined>;

function startValues(kind: Kind, initial: Record<string, unknown> | undefined): Values {
  const out: Values = {};
  if (!initial) return { ...kind.defaults, ...(kind.types.length ? { [typeKeyOf(kind)]: kind.types[0] } : {}) };
  for (const [k, v] of Object.entries(initial)) {
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') out[k] = v;
    // A list (a fabric node's interfaces) is edited one value per line.
    else if (Array.isArray(v)) out[k] = listText(v);
  }
  if (kind.name === 'subnets' && typeof initial.cidr === 'string') out.subnet = initial.cidr;
  return out;
}

const typeKeyOf = (kind: Kind) => kind.typeKey ?? 'type';

/** 1/true → true: the API answers booleans as 0/1. */
const truthy = (v: unknown) => v === true || v === 1 || v === '1';

/**
 * Create / edit dialog whose inputs follow the chosen type. On save, the
 * API's 400 field errors appear under their inputs; others above the buttons.
 * An edit sends only changed properties, and empties as `delete`.
 */
export function ObjectDialog({ kind, initial, options, submit, onClose, context, doc, fixedType }: DialogProps) {
  const editing = initial !== undefined;
  const typeKey = typeKeyOf(kind);
  const [values, setValues] = useState<Values>(() => startValues(kind, initial));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string>();
  const [busy, setBusy] = useState(false);
  const type = fixedType ?? (typeof values[typeKey] === 'string' ? (values[typeKey] as string) : undefined);
  const fields = doc ? schemaFields(doc, kind, type) : fieldsOf(kind, type);
  const set = (name: string, v: Values[string]) => setValues((s) => ({ ...s, [name]: v }));

  const params = (): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    const del: string[] = [];
    if (!editing) {
      out[kind.idKey] = values[kind.idKey];
      if (kind.types.length) out[typeKey] = type;
    }
    for (const f of fields) {
      const v = values[f.name];
      const before = initial?.[f.name];
      if (f.kind === 'bool') {
        const now = v === true;
        if (!editing ? now : now !== truthy(before)) out[f.name] = now ? 1 : 0;
        continue;
      }
      if (f.kind === 'list') {
        const change = listChange(v, before, editing);
        if (change && 'set' in change) out[f.name] = change.set;
        else if (change) del.push(f.name);
        continue;
      }
      const empty = v === undefined || v === '';
      if (editing) {
        if (empty && before !== undefined && !f.secret) del.push(f.name);
        else if (!empty && String(v) !== String(before ?? '')) out[f.name] = v;
      } else if (!empty) out[f.name] = v;
    }
    if (del.length) out.delete = del.join(',');
    return out;
  };

  const save = async () => {
    setBusy(true);
    setErrors({});
    setGeneral(undefined);
    try {
      await submit(params());
      onClose();
    } catch (e) {
      if (e instanceof ApiError && Object.keys(e.errors).length) {
        const known = new Set([kind.idKey, ...(fixedType ? [] : [typeKey]), ...fields.map((f) => f.name)]);
        setErrors(e.errors);
        const rest = Object.entries(e.errors).filter(([k]) => !known.has(k));
        setGeneral(rest.length ? rest.map(([k, v]) => `${k}: ${v}`).join('; ') : undefined);
      } else setGeneral(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const input = (f: Field) => {
    const common = { key: f.name, label: f.label, error: errors[f.name], description: f.description, withAsterisk: f.required };
    const v = values[f.name];
    switch (f.kind) {
      case 'bool':
        return <Checkbox key={f.name} label={f.label} error={errors[f.name]} checked={truthy(v)} onChange={(e) => set(f.name, e.currentTarget.checked)} />;
      case 'number':
        return <NumberInput {...common} value={v === undefined ? '' : Number(v)} onChange={(n) => set(f.name, n === '' ? undefined : Number(n))} allowDecimal={false} />;
      case 'list':
        return <Textarea {...common} autosize minRows={2} value={String(v ?? '')} onChange={(e) => set(f.name, e.currentTarget.value)} />;
      case 'password':
        return <PasswordInput {...common} placeholder={editing ? 'unchanged' : undefined} value={String(v ?? '')} onChange={(e) => set(f.name, e.currentTarget.value)} />;
      case 'select': {
        const data = (f.options ?? options[f.optionsFrom ?? ''] ?? []).filter((o) => o !== '');
        return <Select {...common} data={data} clearable={!f.required} searchable value={v === undefined || v === '' ? null : String(v)} onChange={(s) => set(f.name, s ?? undefined)} />;
      }
      default:
        return <TextInput {...common} value={String(v ?? '')} onChange={(e) => set(f.name, e.currentTarget.value)} />;
    }
  };

  const singular = kind.title.replace(/s$/, '');
  return (
    <Modal opened onClose={onClose} title={`${editing ? 'Edit' : 'Create'} ${singular}${editing ? ` ${String(initial?.[kind.idKey])}` : ''}`} size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <Stack gap="xs">
          {context && Object.entries(context).map(([k, v]) => <TextInput key={k} label={k} value={v} readOnly />)}
          <TextInput label={kind.idLabel} withAsterisk value={String(values[kind.idKey] ?? '')} disabled={editing} error={errors[kind.idKey]} onChange={(e) => set(kind.idKey, e.currentTarget.value)} data-autofocus />
          {kind.types.length > 0 && !fixedType && (
            <Select label={typeKey === 'type' ? 'Type' : typeKey[0].toUpperCase() + typeKey.slice(1)} data={kind.types} value={type ?? null} disabled={editing} allowDeselect={false} error={errors[typeKey]} onChange={(s) => set(typeKey, s ?? undefined)} />
          )}
          {fields.map(input)}
          {general && (
            <Alert color="red" title="The API refused the change" role="alert">
              {general}
            </Alert>
          )}
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              {editing ? 'Save' : 'Create'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
