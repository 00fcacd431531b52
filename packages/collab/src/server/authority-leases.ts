/**
 * [COLLAB-30] Which node is each room's authority, on a store several nodes share: the node written
 * for the room, for as long as that node's own lease lives. A node renews one lease per period
 * whatever the number of its rooms (a lease per room, renewed every second, cost Redis ~37-48 ms a
 * second for a node with 10,000 open rooms), and a node relaying members to rooms open elsewhere
 * looks at the lease of each node those rooms are on, not at each room.
 *
 * On a store only one node uses (memory, LevelDB) this node is every room's authority.
 */
import type { DocumentStore } from '../core/store.js';

type SharedStore = Required<Pick<DocumentStore, 'renewNode' | 'claimAuthority' | 'liveNodes' | 'releaseAuthority'>>;

function shared(store: DocumentStore): SharedStore | undefined {
  const { renewNode, claimAuthority, liveNodes, releaseAuthority } = store;
  if (!renewNode || !claimAuthority || !liveNodes || !releaseAuthority) return undefined;
  return { renewNode: renewNode.bind(store), claimAuthority: claimAuthority.bind(store), liveNodes: liveNodes.bind(store), releaseAuthority: releaseAuthority.bind(store) };
}

export class AuthorityLeases {
  /** This node's name in the store; never reused, so a restart is a new node. */
  readonly node = globalThis.crypto.randomUUID();
  /** Whether rooms need leases at all (a store several nodes share), and so a period. */
  readonly shared: boolean;
  private readonly store: SharedStore | undefined;
  /** This node's first renewal: no room is claimed before its lease is there for others to see. */
  private first: Promise<boolean> | undefined;
  private renewed = false;
  /** The authority of each room this node was refused, as it was told then. */
  private readonly holders = new Map<string, string>();

  constructor(
    store: DocumentStore,
    private readonly leaseMs: number,
  ) {
    this.store = shared(store);
    this.shared = this.store !== undefined;
  }

  /** Whether this node is the room's authority now (it took the room, or had it). */
  async claim(room: string): Promise<boolean> {
    if (!this.store) return true;
    await this.start(this.store);
    const holder = await this.store.claimAuthority(room, this.node);
    if (holder === this.node) {
      this.holders.delete(room);
      return true;
    }
    this.holders.set(room, holder);
    return false;
  }

  async release(room: string): Promise<void> {
    await this.store?.releaseAuthority(room, this.node);
  }

  /**
   * One period: renews this node's lease. When it had lapsed, the rooms `open` here are claimed
   * again: `lost` are those another node took over meanwhile. `orphaned` are the rooms of `relayed`
   * (rooms this node relays members to) whose authority's node is gone, or not known: this node may
   * take them over.
   */
  async tick(open: readonly string[], relayed: readonly string[]): Promise<{ lost: string[]; orphaned: string[] }> {
    if (!this.store) return { lost: [], orphaned: [] };
    const store = this.store;
    const wasThere = await store.renewNode(this.node, this.leaseMs);
    const lost: string[] = [];
    if (!wasThere && this.renewed) {
      await Promise.all(
        open.map(async (room) => {
          if ((await store.claimAuthority(room, this.node)) !== this.node) lost.push(room);
        }),
      );
    }
    this.renewed = true;
    const wanted = new Set(relayed);
    for (const room of this.holders.keys()) if (!wanted.has(room)) this.holders.delete(room);
    const nodes = new Set<string>();
    for (const room of relayed) {
      const holder = this.holders.get(room);
      if (holder !== undefined) nodes.add(holder);
    }
    const live = nodes.size > 0 ? await store.liveNodes([...nodes]) : new Set<string>();
    const orphaned = relayed.filter((room) => {
      const holder = this.holders.get(room);
      return holder === undefined || !live.has(holder);
    });
    return { lost, orphaned };
  }

  /** This node leaves: its lease goes now, so other nodes take its rooms over without waiting for it to lapse. */
  async close(): Promise<void> {
    if (this.store && this.renewed) await this.store.renewNode(this.node, 0);
  }

  private async start(store: SharedStore): Promise<void> {
    if (this.renewed) return;
    this.first ??= store.renewNode(this.node, this.leaseMs).catch((err: unknown) => {
      this.first = undefined; // the next claim tries again
      throw err;
    });
    await this.first;
    this.renewed = true;
  }
}
