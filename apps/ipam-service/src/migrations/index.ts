import { PveIpam1764300000000 } from './1764300000000-pve-ipam';
import { PveIpamNextFree1764300000001 } from './1764300000001-pve-ipam-next-free';
import { IpamOutbox1764300000002 } from './1764300000002-ipam-outbox';
import { IpamTakeFree1764300000003 } from './1764300000003-ipam-take-free';
import { SubnetSync1764300000004 } from './1764300000004-subnet-sync';
import { SubnetEventDone1764300000005 } from './1764300000005-subnet-event-done';
import { AllocationRequestId1764300000006 } from './1764300000006-allocation-request-id';
import { DhcpLease1764300000007 } from './1764300000007-dhcp-lease';

export const IPAM_MIGRATIONS = [PveIpam1764300000000, PveIpamNextFree1764300000001, IpamOutbox1764300000002, IpamTakeFree1764300000003, SubnetSync1764300000004, SubnetEventDone1764300000005, AllocationRequestId1764300000006, DhcpLease1764300000007];
