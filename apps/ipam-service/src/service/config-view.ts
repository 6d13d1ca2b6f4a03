import type { EntityManager } from 'typeorm';
import { byteOrder, parseSubnetId } from '@sdn/model';

type Q = Pick<EntityManager, 'query'>;

/** An object of the configuration as the last event the service handled left it (sdn_config_history, the API's pending view); undefined when deleted or unknown. */
export async function latestObject(db: Q, section: string, id: string): Promise<Record<string, unknown> | undefined> {
  const r: { object: Record<string, unknown> | null }[] = await db.query(`SELECT object FROM sdn_config_history WHERE section=$1 AND id=$2 ORDER BY stream_seq DESC LIMIT 1`, [section, id]);
  return r[0]?.object ?? undefined;
}

/** The zone's subnets (id order) as the last subnet events left them. */
export async function zoneSubnets(db: Q, zone: string): Promise<{ id: string; cidr: string; object: Record<string, unknown> }[]> {
  const rows: { id: string; object: Record<string, unknown> | null }[] = await db.query(
    `SELECT DISTINCT ON (id) id, object FROM sdn_config_history WHERE section='subnets' AND starts_with(id, $1) ORDER BY id, stream_seq DESC`,
    [`${zone}-`],
  );
  return rows
    .flatMap((x) => {
      const p = parseSubnetId(x.id);
      return x.object && p?.zone === zone ? [{ id: x.id, cidr: p.cidr, object: x.object }] : [];
    })
    .sort((a, b) => byteOrder(a.id, b.id));
}
