/**
 * A deterministic chat network (style item 9, as test/helpers/network.ts is for documents): one
 * ChatService on a MemoryStore and N ChatClients, linked by explicit FIFO queues of JSON text.
 * Nothing moves until the test delivers it; a disconnect loses what was in flight both ways (the
 * member's pending calls fail, as a dropped transport's do) and a reconnect is a new session.
 */
import { ChatClient, ChatService, MemoryStore, chatBroadcast, parseChatRequest, type ChatMessage } from '../../src/index.js';
import { answerError } from '../../src/chat/chat-wire.js';
import { ManualClock } from '../helpers/clock.js';

interface Up {
  readonly json: string;
  readonly resolve: (data: unknown) => void;
  readonly reject: (error: Error) => void;
}
type Down = { readonly kind: 'answer'; readonly json: string; readonly resolve: (data: unknown) => void } | { readonly kind: 'broadcast'; readonly json: string };

export interface ChatPeer {
  readonly name: string;
  readonly client: ChatClient;
  online: boolean;
  sessions: number;
  readonly up: Up[];
  readonly down: Down[];
  /** Calls not answered yet: a disconnect fails them, as the transport's timeout would. */
  readonly outstanding: Set<(error: Error) => void>;
  /** Messages whose send resolved, as the sender was told. */
  readonly acked: ChatMessage[];
  readonly rejected: string[];
}

export class ChatNetwork {
  readonly store = new MemoryStore();
  readonly service = new ChatService({ store: this.store, now: () => this.time });
  readonly peers: ChatPeer[] = [];
  /** The members' clock: their resends wait on it, so nothing happens until the test advances it. */
  readonly clock = new ManualClock();
  time = 1_000;

  constructor(readonly room = 'chat-room', readonly pageSize = 3) {}

  add(name: string): ChatPeer {
    const peer: ChatPeer = {
      name,
      online: false,
      sessions: 0,
      up: [],
      down: [],
      outstanding: new Set(),
      acked: [],
      rejected: [],
      client: new ChatClient(
        {
          call: (request) =>
            new Promise((resolve, reject) => {
              if (!peer.online) return reject(new Error('offline'));
              const fail = (error: Error): void => reject(error);
              peer.outstanding.add(fail);
              const done = (data: unknown): void => {
                peer.outstanding.delete(fail);
                resolve(data);
              };
              peer.up.push({ json: JSON.stringify(request), resolve: done, reject: fail });
            }),
          clientId: () => `${name}#${peer.sessions}`,
        },
        { pageSize: this.pageSize, clock: this.clock },
      ),
    };
    this.peers.push(peer);
    return peer;
  }

  connect(peer: ChatPeer): void {
    if (peer.online) return;
    peer.online = true;
    peer.sessions++;
    if (peer.sessions > 1) peer.client.reset();
    void peer.client.start();
  }

  disconnect(peer: ChatPeer): void {
    if (!peer.online) return;
    peer.online = false;
    peer.up.length = 0;
    peer.down.length = 0; // answers and broadcasts in flight are lost…
    for (const fail of [...peer.outstanding]) fail(new Error('disconnected')); // …and their callers hear so
    peer.outstanding.clear();
    peer.client.reset();
  }

  /**
   * [CHAT-5] The same session goes on after losing what was in flight: broadcasts only (the server
   * dropped them and said so, CLI-38), or everything (a dropped connection without ack: answers are
   * lost and their calls fail). The member catches up, as `enterRoom` does.
   */
  blip(peer: ChatPeer, both: boolean): void {
    if (!peer.online) return;
    const kept = both ? [] : peer.down.filter((d) => d.kind === 'answer');
    peer.down.splice(0, peer.down.length, ...kept);
    if (both) {
      peer.up.length = 0;
      for (const fail of [...peer.outstanding]) fail(new Error('connection lost'));
      peer.outstanding.clear();
    }
    peer.client.catchUp();
  }

  busy(): Array<[ChatPeer, 'up' | 'down']> {
    const out: Array<[ChatPeer, 'up' | 'down']> = [];
    for (const p of this.peers) {
      if (p.up.length > 0) out.push([p, 'up']);
      if (p.down.length > 0) out.push([p, 'down']);
    }
    return out;
  }

  async step(pick: number): Promise<boolean> {
    const links = this.busy();
    if (links.length === 0) return false;
    const [peer, direction] = links[Math.abs(pick) % links.length]!;
    if (direction === 'up') await this.deliverUp(peer);
    else this.deliverDown(peer);
    await settleMicrotasks();
    return true;
  }

  async settle(): Promise<void> {
    for (let i = 0; i < 100_000; i++) {
      if (!(await this.step(i))) {
        await settleMicrotasks();
        if (this.busy().length === 0) return;
      }
    }
    throw new Error('the chat network never settled');
  }

  private async deliverUp(peer: ChatPeer): Promise<void> {
    const call = peer.up.shift()!;
    this.time += 1;
    const request = parseChatRequest(JSON.parse(call.json));
    const caller = { author: { id: peer.name }, canWrite: true };
    const outcome = request.ok ? await this.service.handle(this.room, caller, request.value) : { ok: false as const, error: request.error };
    const answer = outcome.ok ? outcome.value.answer : answerError(outcome.error);
    if (!peer.online) return; // it dropped while the server worked: the answer has nowhere to go
    peer.down.push({ kind: 'answer', json: JSON.stringify(answer), resolve: call.resolve });
    if (outcome.ok && outcome.value.broadcast) {
      const json = JSON.stringify(chatBroadcast(outcome.value.broadcast));
      for (const p of this.peers) if (p.online) p.down.push({ kind: 'broadcast', json });
    }
  }

  private deliverDown(peer: ChatPeer): void {
    const item = peer.down.shift()!;
    if (item.kind === 'answer') item.resolve(JSON.parse(item.json));
    else peer.client.receive(JSON.parse(item.json));
  }
}

/** Lets every promise continuation that is ready run (the clients' joins, gap fills, resolves). */
async function settleMicrotasks(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}
