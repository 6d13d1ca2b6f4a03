import { createTestDatabase } from '@sdn/event-store';

/**
 * For a spec of database-backed sdnctl commands: a fresh database exported as
 * SDN_DATABASE_URL for the whole file, and what the commands print to
 * stdout, emptied before each test.
 */
export function sdnctlTestDatabase(): { url: string; readonly out: string[] } {
  const ctx = { url: '', out: [] as string[] };
  const saved = process.env.SDN_DATABASE_URL;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let log: jest.SpyInstance;
  beforeAll(async () => {
    db = await createTestDatabase();
    ctx.url = db.url;
    process.env.SDN_DATABASE_URL = db.url;
  });
  beforeEach(() => {
    ctx.out.length = 0;
    log = jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void ctx.out.push(a.join(' ')));
  });
  afterEach(() => log.mockRestore());
  afterAll(async () => {
    process.env.SDN_DATABASE_URL = saved;
    await db.drop();
  });
  return ctx;
}
