import { KeyLocks } from './key-locks';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('KeyLocks', () => {
  it('runs jobs on the same key in call order, one at a time', async () => {
    const locks = new KeyLocks();
    const log: string[] = [];
    const job = (name: string, ms: number) => async () => {
      log.push(`start ${name}`);
      await new Promise((r) => setTimeout(r, ms));
      log.push(`end ${name}`);
    };
    await Promise.all([locks.run([['ip:1', 'exclusive']], job('a', 20)), locks.run([['ip:1', 'exclusive']], job('b', 1))]);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b']);
    expect(locks.size).toBe(0);
  });

  it('runs jobs on different keys, and shared holders, concurrently; exclusive waits for shared', async () => {
    const locks = new KeyLocks();
    const running = new Set<string>();
    let maxConcurrent = 0;
    const job = (name: string) => async () => {
      running.add(name);
      maxConcurrent = Math.max(maxConcurrent, running.size);
      await tick();
      running.delete(name);
      return name;
    };
    const order: string[] = [];
    const track = (p: Promise<string>) => p.then((n) => order.push(n));
    await Promise.all([
      track(locks.run([['zone:z', 'shared'], ['name:a', 'exclusive']], job('a'))),
      track(locks.run([['zone:z', 'shared'], ['name:b', 'exclusive']], job('b'))),
      track(locks.run([['zone:z', 'exclusive']], job('scan'))),
      track(locks.run([['zone:z', 'shared'], ['name:a', 'exclusive']], job('a2'))),
    ]);
    expect(maxConcurrent).toBe(2);
    expect(order.indexOf('scan')).toBe(2);
    expect(order[3]).toBe('a2');
  });

  it('a failing job releases its keys', async () => {
    const locks = new KeyLocks();
    await expect(locks.run([['k', 'exclusive']], async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(locks.run([['k', 'exclusive']], async () => 'next')).resolves.toBe('next');
    expect(locks.size).toBe(0);
  });
});
