/**
 * Waiting assertions over playwright-core locators (the test runner's `expect`
 * lives in @playwright/test, which the project does not use: it brings the
 * browser downloader). Each polls until it holds or fails with what it saw.
 */
import type { Locator } from 'playwright-core';

const DEFAULT_MS = 10_000;

async function poll<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, ms: number): Promise<T> {
  const end = Date.now() + ms;
  let last: T | undefined;
  let err: unknown;
  for (;;) {
    try {
      last = await read();
      if (ok(last)) return last;
    } catch (e) {
      err = e;
    }
    if (Date.now() > end) throw new Error(`${what} (last seen: ${JSON.stringify(last)}${err ? `; ${String(err)}` : ''})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const visible = (l: Locator, ms = DEFAULT_MS) => l.first().waitFor({ state: 'visible', timeout: ms });
export const hidden = (l: Locator, ms = DEFAULT_MS) => l.first().waitFor({ state: 'hidden', timeout: ms });

export async function hasText(l: Locator, want: string, ms = DEFAULT_MS, exact = false): Promise<void> {
  await poll(`${l} should ${exact ? 'have' : 'contain'} text ${JSON.stringify(want)}`, async () => (await l.first().textContent({ timeout: 500 })) ?? '', (t) => (exact ? t.trim() === want : t.includes(want)), ms);
}

export async function count(l: Locator, n: number, ms = DEFAULT_MS): Promise<void> {
  await poll(`${l} should match ${n} element(s)`, () => l.count(), (c) => c === n, ms);
}

export async function attribute(l: Locator, name: string, want: string, ms = DEFAULT_MS): Promise<void> {
  await poll(`${l} should have ${name}=${want}`, () => l.first().getAttribute(name, { timeout: 500 }), (v) => v === want, ms);
}

export async function disabled(l: Locator, ms = DEFAULT_MS): Promise<void> {
  await poll(`${l} should be disabled`, () => l.first().isDisabled({ timeout: 500 }), (v) => v, ms);
}
