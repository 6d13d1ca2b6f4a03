import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Zones stay after their last subnet is deleted, as in the reference state file (§6.3). */
@Entity({ name: 'ipam_zone' })
export class IpamZoneEntity {
  @PrimaryColumn('text') ipam!: string;
  @PrimaryColumn('text') zone!: string;
}

@Entity({ name: 'ipam_subnet' })
export class IpamSubnetEntity {
  @PrimaryColumn('text') ipam!: string;
  @PrimaryColumn('text') zone!: string;
  /** `<address>/<len>` exactly as in the subnet id (not normalised). */
  @PrimaryColumn('text') subnet!: string;
}

/**
 * One row per registered address. The primary key is the (ipam, zone, subnet, ip) uniqueness
 * the brief asks for: two replicas racing for one address can never both commit.
 */
@Entity({ name: 'ipam_ip' })
@Index('ipam_ip_mac_idx', ['ipam', 'mac'])
export class IpamIpEntity {
  @PrimaryColumn('text') ipam!: string;
  @PrimaryColumn('text') zone!: string;
  @PrimaryColumn('text') subnet!: string;
  @PrimaryColumn('inet') ip!: string;
  @Column('text', { nullable: true }) vnet!: string | null;
  @Column('boolean', { default: false }) gateway!: boolean;
  @Column('text', { nullable: true }) mac!: string | null;
  @Column('text', { nullable: true }) hostname!: string | null;
  @Column('text', { nullable: true }) vmid!: string | null;
  /** automatic allocations always show mac/hostname/vmid (possibly null), explicit ones only set fields */
  @Column('boolean', { default: false }) auto!: boolean;
  /** The API's id of the allocation request that registered it (migration 1764300000006). */
  @Column('uuid', { name: 'request_id', nullable: true }) requestId!: string | null;
}

/**
 * Free address intervals [start, end] inside the next-free candidate window. Next-free takes the
 * lowest row (index lookup), so its cost does not depend on how full the subnet is, and an IPv6
 * /64 is a single row to start with.
 */
@Entity({ name: 'ipam_free_block' })
export class IpamFreeBlockEntity {
  @PrimaryColumn('text') ipam!: string;
  @PrimaryColumn('text') zone!: string;
  @PrimaryColumn('text') subnet!: string;
  @PrimaryColumn('inet') start!: string;
  @Column('inet') end!: string;
}

export const PVE_IPAM_ENTITIES = [IpamZoneEntity, IpamSubnetEntity, IpamIpEntity, IpamFreeBlockEntity];
