import { busConfig } from '@sdn/config';
import { busConnectionOptions, connectBus, DEFAULT_NATS_URL } from './connect-bus';
import { silentLogger } from '../log/bus-logger';

describe('busConnectionOptions', () => {
  it('defaults to the local server and reconnects forever', () => {
    const o = busConnectionOptions({ name: 'svc' });
    expect(o.servers).toEqual([DEFAULT_NATS_URL]);
    expect(o.maxReconnectAttempts).toBe(-1);
    // A dead server (no FIN, no RST) is found out in seconds, not nats.js's default minutes.
    expect((o.pingInterval ?? 120_000) * (o.maxPingOut ?? 2)).toBeLessThanOrEqual(15_000);
    expect(o.waitOnFirstConnect).toBe(true);
    expect(o.user).toBeUndefined();
  });

  it('takes NATS_URL (several servers) and user/password as read by @sdn/config', () => {
    const c = busConfig({ NATS_URL: 'nats://a:4222, nats://b:4222', NATS_USER: 'cfg', NATS_PASS: 's3cret' });
    const o = busConnectionOptions({ name: 'svc', url: c.url, credentials: c.credentials });
    expect(o.servers).toEqual(['nats://a:4222', 'nats://b:4222']);
    expect([o.user, o.pass]).toEqual(['cfg', 's3cret']);
  });

  it('uses a token when there is no user', () => {
    const c = busConfig({ SDN_NATS_TOKEN: 't0k' });
    expect(busConnectionOptions({ name: 'svc', url: c.url, credentials: c.credentials }).token).toBe('t0k');
  });
});

describe('connectBus (real NATS)', () => {
  it('connects, reaches JetStream and closes', async () => {
    const c = busConfig();
    const bus = await connectBus({ name: 'bus-spec', url: c.url, credentials: c.credentials, log: silentLogger });
    const info = await bus.jsm.getAccountInfo();
    expect(typeof info.streams).toBe('number');
    await bus.close();
    expect(bus.nc.isClosed()).toBe(true);
  });
});
