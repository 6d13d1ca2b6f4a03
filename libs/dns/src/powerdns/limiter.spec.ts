import { Limiter } from './limiter';

describe('Limiter', () => {
  it('never runs more than max tasks at once and starts them in call order', async () => {
    const l = new Limiter(2);
    let active = 0;
    let peak = 0;
    const started: number[] = [];
    const task = (i: number) => async () => {
      started.push(i);
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 5));
      active--;
      return i;
    };
    const out = await Promise.all([0, 1, 2, 3, 4].map((i) => l.run(task(i))));
    expect(out).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4]);
  });

  it('frees the slot when a task fails', async () => {
    const l = new Limiter(1);
    await expect(l.run(async () => Promise.reject(new Error('x')))).rejects.toThrow('x');
    await expect(l.run(async () => 'ok')).resolves.toBe('ok');
  });
});
