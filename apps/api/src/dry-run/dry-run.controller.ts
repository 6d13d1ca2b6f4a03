import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { NODE_NAME_PATTERN } from '@sdn/contracts';
import type { RunningConfig } from '@sdn/model';
import { type NodeFacts, renderNode } from '@sdn/render';
import { unifiedDiff } from '@sdn/text-diff';
import { Privilege } from '../auth/privilege.decorator';
import { ApiError } from '../core/api-error';
import { optString, type Params, ReqParams } from '../core/params';
import { SdnStateService } from '../core/sdn-state.service';
import { compileRunning } from '../apply/running-snapshot';
import { NodeFilesSource } from './node-files.source';

/** Facts of a node we have never heard from: the renderer's neutral defaults. */
function unknownNodeFacts(node: string): NodeFacts {
  return { nodename: node, addresses: {}, routes: [], bridges: {}, macs: {}, frrLocal: null };
}

@ApiTags('sdn')
@ApiSecurity('PVEAPIToken')
@Controller('cluster/sdn/dry-run')
export class DryRunController {
  constructor(
    private readonly sdn: SdnStateService,
    private readonly files: NodeFilesSource,
  ) {}

  @Get()
  @ApiOperation({ summary: 'What apply would change on a node: whitespace-insensitive unified diffs of its interfaces and FRR files' })
  @ApiQuery({ name: 'node', required: true })
  @Privilege('Sys.Audit', '/nodes/{node}')
  async dryRun(@ReqParams() p: Params) {
    const node = optString(p, 'node');
    if (!node) throw ApiError.param('node', 'property is missing and it is not optional');
    if (!NODE_NAME_PATTERN.test(node)) throw ApiError.param('node', 'invalid format - value does not look like a valid node name');
    const state = this.sdn.current;
    // Like the reference: the generated `#version:` line carries the current running version (or 1).
    const config = compileRunning(state, state.running?.version ?? 1) as RunningConfig;
    const [factsMsg, bundle] = await Promise.all([this.files.facts(node), this.files.bundle(node)]);
    const facts = factsMsg ? ({ ...unknownNodeFacts(node), ...(factsMsg.facts as Partial<NodeFacts>), nodename: node } as NodeFacts) : unknownNodeFacts(node);
    const files = renderNode(config, facts);
    const opts = { ignoreWhitespace: true, toLabel: 'pending' };
    return {
      'interfaces-diff': unifiedDiff(bundle?.files.interfaces ?? '', files.interfaces, { ...opts, fromLabel: '/etc/network/interfaces.d/sdn' }),
      'frr-diff': unifiedDiff(bundle?.files.frr ?? '', files.frr ?? '', { ...opts, fromLabel: '/etc/frr/frr.conf' }),
      // Beyond the reference: say what the diff is based on, so "no diff" is not misread.
      'facts-known': Boolean(factsMsg),
      'bundle-version': bundle?.version ?? null,
    };
  }
}
