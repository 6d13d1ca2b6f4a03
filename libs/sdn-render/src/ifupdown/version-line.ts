/**
 * The `#version:<N>` first line of the `sdn` interfaces file (Proxmox writes
 * it, and so does serialiseStanzas). It is the only part of a node's files
 * that changes with every applied version, so a node whose files differ only
 * there gets a version-only message (NodeBundleVersionV1) and rewrites this
 * line itself; both sides use these functions so the result is the file a
 * full render of that version writes.
 */
const PREFIX = '#version:';
const PREFIX_BYTES = Buffer.from(PREFIX, 'latin1');

export function versionLine(version: number | string): string {
  return `${PREFIX}${version}\n`;
}

/** The file without its version line; undefined when it does not start with one. */
export function withoutVersionLine(text: string): string | undefined {
  if (!text.startsWith(PREFIX)) return undefined;
  const nl = text.indexOf('\n');
  return nl < 0 ? '' : text.slice(nl + 1);
}

/** The file with the version line set to `version`; undefined when it has none. */
export function withVersionLine(text: string, version: number): string | undefined {
  const body = withoutVersionLine(text);
  return body === undefined ? undefined : `${versionLine(version)}${body}`;
}

/** withVersionLine on the file's UTF-8 bytes (the agent writes them as they travelled). */
export function withVersionLineBytes(bytes: Buffer, version: number): Buffer | undefined {
  if (!bytes.subarray(0, PREFIX_BYTES.length).equals(PREFIX_BYTES)) return undefined;
  const nl = bytes.indexOf(0x0a);
  return Buffer.concat([Buffer.from(versionLine(version), 'latin1'), nl < 0 ? Buffer.alloc(0) : bytes.subarray(nl + 1)]);
}
