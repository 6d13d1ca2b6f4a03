import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { type AccessState, type Principal, principalProblem, ROOT_USER } from '@sdn/access';
import { type AccessDecision, AccessProjection } from '@sdn/event-store';
import { API_CONFIG, type ApiConfig } from '../core/config';
import { EventStoreService } from '../core/database';

/**
 * Users, API tokens and ACLs of this process, folded from the event log.
 * Reads are in memory (every request's permission check); writes go through
 * the event store's serialised writer. Other replicas' changes are folded
 * within a second (the poll), so a revocation elsewhere takes effect then.
 */
@Injectable()
export class AccessStateService implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger('access');
  private readonly projection = new AccessProjection();
  private loaded: Promise<void> | null = null;
  private poller: NodeJS.Timeout | null = null;

  /** The SDN_BOOTSTRAP_TOKEN id: configuration rather than an account, it acts as the superuser. */
  private readonly bootstrapId: string | undefined;

  constructor(
    private readonly store: EventStoreService,
    @Inject(API_CONFIG) config: ApiConfig,
  ) {
    this.bootstrapId = config.bootstrapToken?.slice(0, config.bootstrapToken.indexOf('='));
  }

  /** Who acts for an authenticated actor: a token id (`USER@REALM!TOKENID`) or, logged in with a ticket, a user id. */
  principal(actor: string): Principal {
    if (actor === this.bootstrapId) return { kind: 'user', userid: ROOT_USER };
    const bang = actor.indexOf('!');
    if (bang < 0) return { kind: 'user', userid: actor };
    return { kind: 'token', fullTokenId: actor, userid: actor.slice(0, bang) };
  }

  /** Why a token may not act at all right now (unknown, disabled or expired), or null. */
  problem(tokenId: string): ReturnType<typeof principalProblem> {
    return principalProblem(this.state, this.principal(tokenId), Math.floor(Date.now() / 1000));
  }

  /** True when the token acts with the full rights of `userid` (a privilege-separated token does not). */
  actsAsUser(tokenId: string, userid: unknown): boolean {
    const p = this.principal(tokenId);
    return typeof userid === 'string' && p.userid === userid && (p.kind === 'user' || this.state.tokens[tokenId]?.privsep === false);
  }

  /** Loaded before the first request rather than by it. */
  async onModuleInit(): Promise<void> {
    await this.ready();
  }

  /** Loads once (callers at start-up may race: they share the promise). */
  ready(): Promise<void> {
    this.loaded ??= this.projection.load(this.store.ds).then(() => {
      this.poller = setInterval(() => void this.projection.catchUp(this.store.ds).catch((e) => this.log.warn(`catch-up failed: ${(e as Error).message}`)), 1000);
      this.poller.unref();
    });
    return this.loaded;
  }

  /** Folds what other replicas wrote since the last poll (a login must not miss a user created a moment ago elsewhere). */
  async catchUp(): Promise<void> {
    await this.ready();
    await this.projection.catchUp(this.store.ds);
  }

  get state(): AccessState {
    return this.projection.state;
  }

  async write<T>(actor: string, decide: (state: AccessState) => AccessDecision<T>, correlationId?: string): Promise<T> {
    await this.ready();
    return this.projection.write(this.store, actor, decide, correlationId);
  }

  onApplicationShutdown(): void {
    if (this.poller) clearInterval(this.poller);
  }
}
