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
    const text = st ? await readFile(this.path, 'utf8').catch(() => null) : null;
    this.set(key, text);
    return this.view;
  }

  /** The agent just wrote `text` to the file: take it as the content instead of reading it back. */
  async written(text: string): Promise<void> {
    const st = await stat(this.path).catch(() => null);
    if (st) this.set(`${st.mtimeMs}:${st.size}:${st.ino}`, text);
  }

  private set(key: string, text: string | null): void {
    // Only the stanza names are needed: a line scan is ~20x cheaper than parseInterfaces on a multi-MB file.
    this.view = { version: localVersion(text), devices: new Set(Array.from((text ?? '').matchAll(/^iface[ \t]+(\S+)/gm), (m) => m[1])) };
    this.key = key;
  }
}
