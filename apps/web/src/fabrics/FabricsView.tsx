import { useState } from 'react';
import { ObjectsView } from '../objects/ObjectsView';
import type { PendingObject } from '../objects/pending';

type Row = PendingObject & Record<string, unknown>;

/**
 * Fabrics (OpenFabric, OSPF) in the pending view and, for the picked one, its
 * nodes: both lists are the objects views', the nodes' dialog under its fabric
 * and with the fields of the fabric's protocol.
 */
export function FabricsView() {
  const [fabric, setFabric] = useState<Row | null>(null);
  const id = fabric ? String(fabric.id) : undefined;
  return (
    <div>
      <ObjectsView kindName="fabrics" height="calc(45vh - 120px)" pick={{ selected: id, onPick: setFabric, label: (f) => `${f}: show its nodes` }} />
      <ObjectsView
        key={id ?? ''}
        kindName="fabric-nodes"
        nested
        title={id ? `Nodes of fabric ${id}` : 'Fabric nodes'}
        note={id ? undefined : 'Pick a fabric by its ID above to see and change its nodes.'}
        parent={fabric}
        height="calc(55vh - 170px)"
      />
    </div>
  );
}
