/**
 * The lobby's viewers as one node knows them (LOBBY-5, LOBBY-6): every viewer of every node (each
 * watch is announced to all nodes, so a room's authority reaches viewers wherever they watched and
 * after their node died), and which of them watched through this node. Each viewer's answers from
 * the rooms' `authorize` are asked once per room and kept as promises, so its changes stay in order.
 */
import type { SessionInfo } from '@kuiper/server';

interface Viewer {
  readonly session: SessionInfo;
  readonly visible: Map<string, Promise<boolean>>;
}

/** On the internal channel: a viewer started or stopped watching, through some node. */
export type ViewerNotice = { readonly v: 1; readonly watch: SessionInfo } | { readonly v: 1; readonly unwatch: string };

export function readViewerNotice(data: unknown): ViewerNotice | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const d = data as Record<string, unknown>;
  const watch = d['watch'] as Record<string, unknown> | undefined;
  if (typeof watch === 'object' && watch !== null && typeof watch['clientId'] === 'string') {
    return { v: 1, watch: { clientId: watch['clientId'], data: watch['data'] ?? null } };
  }
  return typeof d['unwatch'] === 'string' ? { v: 1, unwatch: d['unwatch'] } : undefined;
}

export class LobbyViewers {
  private readonly viewers = new Map<string, Viewer>();
  private readonly local = new Set<string>();

  constructor(private readonly authorize: (room: string, session: SessionInfo) => unknown) {}

  /** A viewer watches (through this node when `local`); what it was told of rooms is kept. */
  watch(session: SessionInfo, local: boolean): void {
    if (!this.viewers.has(session.clientId)) this.viewers.set(session.clientId, { session, visible: new Map() });
    if (local) this.local.add(session.clientId);
  }

  unwatch(clientId: string): void {
    this.viewers.delete(clientId);
    this.local.delete(clientId);
  }

  /** Every viewer, or only those that watched through this node. */
  sessions(onlyLocal: boolean): SessionInfo[] {
    return [...this.viewers.values()].filter((v) => !onlyLocal || this.local.has(v.session.clientId)).map((v) => v.session);
  }

  /** [LOBBY-5] Whether `session` may see `room`: `authorize` returns; a throw hides the room. */
  async admits(room: string, session: SessionInfo): Promise<boolean> {
    try {
      await this.authorize(room, session);
      return true;
    } catch {
      return false; // a refusal, not a fault to report
    }
  }

  /** The viewer's answer for `room`, asked once. */
  visible(clientId: string, room: string): Promise<boolean> {
    const viewer = this.viewers.get(clientId);
    if (!viewer) return Promise.resolve(false);
    let answer = viewer.visible.get(room);
    if (!answer) viewer.visible.set(room, (answer = this.admits(room, viewer.session)));
    return answer;
  }

  clear(): void {
    this.viewers.clear();
    this.local.clear();
  }
}
