import { Controller, Module } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { isolatedBus, type IsolatedBus } from '@sdn/bus';
import { createInbox } from 'nats';
import { createWorkerApp, type WorkerApp } from './worker-app';

const enc = new TextEncoder();
const dec = new TextDecoder();
let release: () => void = () => undefined;

@Controller()
class EchoController {
  @MessagePattern('t.v1.echo')
  echo(@Payload() b: unknown) {
    return { ok: true, data: b };
  }

  @MessagePattern('t.v1.fail')
  async fail() {
    throw new Error('subnet 10.0.0.0/24 is full');
  }

  /** Answers once the test lets it (a request in hand at shutdown). */
  @MessagePattern('t.v1.slow')
  async slow() {
    await new Promise<void>((r) => (release = r));
    return { ok: true, data: 'late' };
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

/** The worker skeleton's request/reply on the real NATS: bare JSON both ways, words for failures, the bus namespace, a drained stop. */
describe('createWorkerApp request/reply (Nest NATS transport on the bus)', () => {
  let bus: IsolatedBus;
  let a: WorkerApp;
  let b: WorkerApp;
  const raw = async (pattern: string, body: Uint8Array) => dec.decode((await bus.nc.request(`${bus.topology.namespace}.${pattern}`, body, { timeout: 5000 })).data);
  const call = async (pattern: string, body: unknown) => JSON.parse(await raw(pattern, enc.encode(JSON.stringify(body))));

  beforeAll(async () => {
    bus = await isolatedBus({ name: 'service-kit-test' });
    a = await createWorkerApp({ service: 'kit-test', module: EchoModule, bus });
    b = await createWorkerApp({ service: 'kit-test', module: EchoModule, bus });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await bus?.destroy();
  });

  it('answers the bare JSON body with the bare JSON result, on the namespaced subject only', async () => {
    expect(await call('t.v1.echo', { zone: 'z', n: [1, 2] })).toEqual({ ok: true, data: { zone: 'z', n: [1, 2] } });
    // An empty request is `{}`, as the callers of status send it.
    expect(JSON.parse(await raw('t.v1.echo', new Uint8Array()))).toEqual({ ok: true, data: {} });
    await expect(bus.nc.request('t.v1.echo', enc.encode('{}'), { timeout: 300 })).rejects.toThrow();
  });

  it('one answer per request from the two replicas (queue group)', async () => {
    const sub = bus.nc.subscribe(createInbox());
    const answers: string[] = [];
    void (async () => {
      for await (const m of sub) answers.push(dec.decode(m.data));
    })();
    for (let i = 0; i < 20; i++) bus.nc.publish(`${bus.topology.namespace}.t.v1.echo`, enc.encode(JSON.stringify({ i })), { reply: sub.getSubject() });
    await new Promise((r) => setTimeout(r, 500));
    sub.unsubscribe();
    expect(answers.map((x) => JSON.parse(x).data.i).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('refuses a request that is not JSON, and answers a failing handler in its words', async () => {
    expect(JSON.parse(await raw('t.v1.echo', enc.encode('{nope')))).toEqual({ ok: false, error: 'request is not JSON' });
    expect(await call('t.v1.fail', {})).toEqual({ ok: false, error: 'subnet 10.0.0.0/24 is full' });
  });

  it('close answers the request in hand before it returns, and takes no new ones', async () => {
    // Only `a` left, so the slow request is certainly in `a`'s hands.
    await b.close();
    const answer = call('t.v1.slow', {});
    await new Promise((r) => setTimeout(r, 200));
    let closed = false;
    const closing = a.close().then(() => (closed = true));
    await new Promise((r) => setTimeout(r, 200));
    expect(closed).toBe(false);
    release();
    await closing;
    expect(await answer).toEqual({ ok: true, data: 'late' });
    await expect(call('t.v1.echo', {})).rejects.toThrow();
  });
});
