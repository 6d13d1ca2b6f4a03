import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { NODE_NAME_PATTERN } from '@sdn/contracts';
import { FilteredList } from '../auth/list-filter.interceptor';
import { Privilege } from '../auth/privilege.decorator';
import { ApiError } from '../core/api-error';
import { optString, type Params, ReqParams } from '../core/params';
import { DryRunService } from './dry-run.service';

const BAD_NODE = 'invalid format - value does not look like a valid node name';
/** More node names than this in one summary request is a mistake, not a cluster. */
const MAX_NODES = 10_000;

@ApiTags('sdn')
@ApiSecurity('PVEAPIToken')
@Controller('cluster/sdn/dry-run')
export class DryRunController {
  constructor(private readonly dryRun: DryRunService) {}

  @Get()
  @ApiOperation({ summary: 'What apply would change on a node: whitespace-insensitive unified diffs of its interfaces and FRR files' })
  @ApiQuery({ name: 'node', required: true })
  @Privilege('Sys.Audit', '/nodes/{node}')
  async node(@ReqParams() p: Params) {
    const node = optString(p, 'node');
    if (!node) throw ApiError.param('node', 'property is missing and it is not optional');
    if (!NODE_NAME_PATTERN.test(node)) throw ApiError.param('node', BAD_NODE);
    return this.dryRun.node(node);
  }

  @Get('summary')
  @ApiOperation({
    summary:
      'Beyond the reference: for every node (or the `nodes` given), whether apply would change its files and how many lines it would add and remove per file; computed once per pending config and shared by all replicas. Full diffs: GET /cluster/sdn/dry-run?node=NODE',
  })
  @ApiQuery({ name: 'nodes', required: false, description: 'comma-separated node names (default: every node that has published facts)' })
  // Rows of nodes the caller may not audit are left out, as the reference's per-node endpoint would refuse them.
  @FilteredList('Sys.Audit', '/nodes/{node}')
  async summary(@ReqParams() p: Params) {
    const raw = optString(p, 'nodes', 1 << 20);
    let nodes: string[] | undefined;
    if (raw !== undefined) {
      nodes = [...new Set(raw.split(/[,;\s]+/).filter(Boolean))];
      const bad = nodes.find((n) => !NODE_NAME_PATTERN.test(n));
      if (bad !== undefined) throw ApiError.param('nodes', `invalid format - '${bad.slice(0, 64)}' does not look like a valid node name`);
      if (nodes.length > MAX_NODES) throw ApiError.param('nodes', `at most ${MAX_NODES} nodes`);
    }
    return this.dryRun.summary(nodes);
  }
}
