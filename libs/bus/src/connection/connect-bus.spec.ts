import { busConnectionOptions, connectBus, DEFAULT_NATS_URL } from './connect-bus';
import { silentLogger } from '../log/bus-logger';

describe('busConnectionOptions', () => {
  it('defaults to the local server and reconnects forever', () => {
    const o = busConnectionOptions({ name: 'svc', env: {} });
    expect(o.servers).toEqual([DEFAULT_NATS_URL]);
    expect(o.maxReconnectAttempts).toBe(-1);
    expect(o.waitOnFirstConnect).toBe(true);
    expect(o.user).toBeUndefined();
  });

  it('reads NATS_URL (several servers) and user/password', () => {
    const o = busConnectionOptions({ name: 'svc', env: { NATS_URL: 'nats://a:4222, nats://b:4222', NATS_USER: 'cfg', NATS_PASS: 's3cret' } });
    expect(o.servers).toEqual(['nats://a:4222', 'nats://b:4222']);
    expect([o.user, o.pass]).toEqual(['cfg', 's3cret']);
  });

  it('prefers an explicit url over the environment', () => {
    expect(busConnectionOptions({ name: 'svc', url: 'nats://x:1', env: { NATS_URL: 'nats://y:2' } }).servers).toEqual(['nats://x:1']);
  });
});

describe('connectBus (real NATS)', () => {
  it('connects, reaches JetStream and closes', async () => {
    const bus = await connectBus({ name: 'bus-spec', log: silentLogger });
    const info = await bus.jsm.getAccountInfo();
    expect(typeof info.streams).toBe('number');
    await bus.close();
    expect(bus.nc.isClosed()).toBe(true);
  });
});
