import { readFile, stat } from 'node:fs/promises';
import { localVersion } from '../status/node-status';

export interface SdnFileView {
  /** `#version:<N>` of the file, null when missing. */
  version: number | null;
  /** Interfaces the file declares (the devices SDN owns on this node). */
  devices: Set<string>;
}

/**
 * What status and facts need from the SDN file, re-parsed only when the
 * file changed (mtime, size): with thousands of vnets the file is several
 * MB, and heartbeats must not parse it every few seconds.
 */
export class SdnFileCache {
  private key = '';
  private view: SdnFileView = { version: null, devices: new Set() };

  constructor(private readonly path: string) {}

  async get(): Promise<SdnFileView> {
    const st = await stat(this.path).catch(() => null);
    const key = st ? `${st.mtimeMs}:${st.size}:${st.ino}` : 'missing';
    if (key === this.key) return this.view;
    const bytes = st ? await readFile(this.path).catch(() => null) : null;
    this.set(key, bytes);
    return this.view;
  }

  /** The agent just wrote `content` to the file (null: removed it): take it as the content instead of reading it back. */
  async written(content: string | Buffer | null): Promise<void> {
    const st = await stat(this.path).catch(() => null);
    if (st) this.set(`${st.mtimeMs}:${st.size}:${st.ino}`, content === null ? null : typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
    else if (content === null) this.set('missing', null);
  }

  private set(key: string, bytes: Buffer | null): void {
    this.view = bytes ? scanSdnFile(bytes) : { version: null, devices: new Set() };
    this.key = key;
  }
}

const IFACE = Buffer.from('iface');
const NL_IFACE = Buffer.from('\niface');
const isBlank = (c: number) => c === 0x20 || c === 0x09;
const isSpace = (c: number) => isBlank(c) || (c >= 0x0a && c <= 0x0d);

/**
 * `#version:` of the first line and the names of the `iface` stanzas, read
 * from the UTF-8 bytes: only the stanza names are needed, and a byte scan
 * spares decoding (and keeping) a multi-MB string.
 */
export function scanSdnFile(bytes: Buffer): SdnFileView {
  const version = localVersion(bytes.subarray(0, 40).toString('latin1'));
  const devices = new Set<string>();
  let at = bytes.subarray(0, IFACE.length).equals(IFACE) ? 0 : lineStart(bytes, 0);
  while (at >= 0) {
    let i = at + IFACE.length;
    if (isBlank(bytes[i])) {
      while (isBlank(bytes[i])) i++;
      const from = i;
      while (i < bytes.length && !isSpace(bytes[i])) i++;
      if (i > from) devices.add(bytes.toString('utf8', from, i));
    }
    at = lineStart(bytes, at + 1);
  }
  return { version, devices };
}

/** Offset of the next line that starts with `iface` at or after `from`, or -1. */
function lineStart(bytes: Buffer, from: number): number {
  const nl = bytes.indexOf(NL_IFACE, Math.max(0, from - 1));
  return nl < 0 ? -1 : nl + 1;
}
