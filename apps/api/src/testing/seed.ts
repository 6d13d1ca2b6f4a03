import { EventStore, objectEventType, openEventStoreDataSource, pendingConfig, SECTION_META, type SdnObject } from '@sdn/event-store';
import type { ObjectKind } from '@sdn/model';
import type { EventStoreService } from '../core/database';
import * as model from '../core/model';
import { SdnStateService } from '../core/sdn-state.service';

/** One object as its POST would create it: the section and the request's parameters (ID included). */
export interface SeedObject {
  section: ObjectKind;
  props: SdnObject;
}

/**
 * Writes objects into an API database the way the API's create path does
 * (validated by @sdn/model, one `<Stem>Created` event each, group-committed),
 * without HTTP: benchmarks and tests that need thousands of objects before
 * the API under test starts. Objects are created in order.
 */
export async function seedObjects(dbUrl: string, objects: SeedObject[], actor = 'root@pam'): Promise<void> {
  const ds = await openEventStoreDataSource(dbUrl, 2);
  const sdn = new SdnStateService(new EventStore(ds) as EventStoreService);
  await sdn.onModuleInit();
  try {
    // Queued together, committed in batches: each decide sees the objects before it.
    await Promise.all(
      objects.map(({ section, props }) =>
        sdn.execute((state, index) => {
          const r = model.create(pendingConfig(state), section, props, index);
          return { events: [{ type: objectEventType(section, 'Created'), aggregateType: SECTION_META[section].aggregate, aggregateId: r.id, payload: { id: r.id, object: r.object } }] };
        }, actor),
      ),
    );
  } finally {
    await sdn.beforeApplicationShutdown();
    await ds.destroy();
  }
}

/** A VXLAN zone `vxzone` over `peers` with `count` vnets `vx0…` (VNI 1…): the 2 500-vnet dry-run case of issue 22. */
export function vxlanVnets(count: number, peers: string[]): SeedObject[] {
  const out: SeedObject[] = [{ section: 'zones', props: { zone: 'vxzone', type: 'vxlan', peers: peers.join(',') } }];
  for (let i = 0; i < count; i++) out.push({ section: 'vnets', props: { vnet: `vx${i}`, zone: 'vxzone', tag: i + 1 } });
  return out;
}
