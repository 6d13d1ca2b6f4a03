import type { FactoryProvider, InjectionToken, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { ReadinessCheck } from '../health-server';
import { READINESS, type Readiness } from './tokens';

/** What a service's consumer library hands back once its durable consumers are bound. */
export interface RunningConsumers {
  /** Stop pulling, finish (and ack) the messages in hand; unstarted ones go back to the other replicas. */
  stop(): Promise<void>;
}

/**
 * A service's durable JetStream consumers as a provider of its Nest application: bound at
 * `onApplicationBootstrap` (every other provider exists by then), stopped at `onModuleDestroy`
 * (the first hook of `app.close()`, after the request/reply subscriptions are drained and
 * before `beforeApplicationShutdown`/`onApplicationShutdown` close what they write to).
 * Its readiness check is `consumers`.
 */
export class DurableConsumers implements OnApplicationBootstrap, OnModuleDestroy {
  private running?: RunningConsumers;

  constructor(
    private readonly start: () => Promise<RunningConsumers>,
    private readonly started?: () => void,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.running = await this.start();
    this.started?.();
  }

  async onModuleDestroy(): Promise<void> {
    const r = this.running;
    this.running = undefined;
    await r?.stop();
  }
}

/**
 * The provider of `DurableConsumers` (or of `provide`): `start` and `ready` get the injected
 * `inject` tokens in order; `ready` becomes the `consumers` readiness check once they are bound.
 */
export function durableConsumers<D extends unknown[]>(o: {
  provide?: InjectionToken;
  inject: { [K in keyof D]: InjectionToken };
  start(...deps: D): Promise<RunningConsumers>;
  ready?(...deps: D): ReadinessCheck;
}): FactoryProvider<DurableConsumers> {
  return {
    provide: o.provide ?? DurableConsumers,
    inject: [READINESS, ...(o.inject as InjectionToken[])],
    useFactory: (readiness: Readiness, ...deps: unknown[]) =>
      new DurableConsumers(
        () => o.start(...(deps as D)),
        o.ready ? () => readiness.setCheck('consumers', o.ready!(...(deps as D))) : undefined,
      ),
  };
}
