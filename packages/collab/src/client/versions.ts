/**
 * [COLLAB-50] A room's version history on the client, over the server's `collab.versions` routes:
 * list the versions, save one, open one to look at, and bring one back. Bringing a version back is
 * this member's own edit (`revertUpdate`): it syncs to everyone, merges with what others do
 * meanwhile, is one step of this user's undo, and is refused to a reader like any edit of theirs.
 * The document as it was just before is saved first, so anyone can go back to it later too.
 */
import * as Y from 'yjs';
import type { VersionEntry } from '../core/store.js';
import { revertUpdate, type RestoreOptions } from '../core/revert.js';
import { collabError, describeThrown, type CollabErrorCode, type Result } from '../protocol/errors.js';

export interface RoomVersions {
  /** The room's versions, newest first. */
  list(): Promise<Result<VersionEntry[]>>;
  /**
   * Keeps the document as it is now (once this member's edits are stored) as a version, with a
   * name or without; a save without a name when nothing changed since the newest gives that one.
   */
  save(label?: string): Promise<Result<VersionEntry>>;
  /** The version's document, to read as the room's own (a board of it: `readBoardShapes`). Changing it changes nothing. */
  open(id: number): Promise<Result<Y.Doc>>;
  /**
   * Brings version `id` back into the room: saves the document as it is first (resolving with that
   * version, `before`), then writes the difference as one edit and waits until it is stored.
   * `read_only` for a member who may not write; the document is then untouched.
   * [COLLAB-51] `only` names the top-level types to bring back (`['whiteboard', 'comments']`: the
   * board); every other keeps what it holds now.
   */
  restore(id: number, options?: RestoreOptions): Promise<Result<{ readonly before: VersionEntry }>>;
}

export interface RoomVersionsOptions {
  /** The server's `versions.basePath`, absolute or relative to the page (`/kuiper-versions`). */
  baseUrl: string;
  /** The room member's Bayeux clientId now (its credential), undefined while not connected. */
  clientId(): string | undefined;
  /**
   * Resolves once the member has entered (the room's `synced`): a request waits for it, so one made
   * right after `enterRoom` is the member's, not a stranger's (401) or a not-yet-member's (403).
   */
  entered: Promise<unknown>;
  /** The room's document and its `flush` (every local edit stored). */
  doc: Y.Doc;
  flush(): Promise<void>;
  fetch?: typeof fetch;
}

/** The server's refusals, by its code: anything else is a version that could not be reached. */
const REFUSALS: Readonly<Record<string, CollabErrorCode>> = {
  read_only: 'read_only',
  version_not_found: 'not_found',
  label_invalid: 'version_refused',
  versions_full: 'version_refused',
  body_invalid: 'version_refused',
};

export function createRoomVersions(room: string, options: RoomVersionsOptions): RoomVersions {
  const base = `${options.baseUrl.replace(/\/+$/, '')}/${room}`;
  const send = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));

  /** The route's answer, or the error value saying why there is none. */
  const request = async (path: string, init: RequestInit = {}): Promise<Result<Response>> => {
    await options.entered.catch(() => undefined); // a refused room: the server says why
    const clientId = options.clientId();
    if (clientId === undefined) return { ok: false, error: collabError('version_unavailable', 'versions: not connected') };
    let response: Response;
    try {
      response = await send(`${base}${path}`, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), 'X-Kuiper-Client': clientId } });
    } catch (thrown) {
      return { ok: false, error: collabError('version_unavailable', `versions: ${describeThrown(thrown)}`) };
    }
    if (response.ok) return { ok: true, value: response };
    const body = (await response.json().catch(() => ({}))) as { error?: unknown; message?: unknown };
    const message = typeof body.message === 'string' ? body.message : `HTTP ${response.status}`;
    const code = typeof body.error === 'string' ? REFUSALS[body.error] : undefined;
    return { ok: false, error: collabError(code ?? 'version_unavailable', message) };
  };

  const save = async (label?: string): Promise<Result<VersionEntry>> => {
    try {
      await options.flush();
    } catch (thrown) {
      // A refused edit (a reader's) is the server's to say; anything else leaves the save unmade.
      return { ok: false, error: collabError('version_unavailable', `versions: edits not stored: ${describeThrown(thrown)}`) };
    }
    const answer = await request('', { method: 'POST', body: JSON.stringify(label === undefined ? {} : { label }), headers: { 'Content-Type': 'application/json' } });
    if (!answer.ok) return answer;
    const { version } = (await answer.value.json()) as { version: VersionEntry };
    return { ok: true, value: version };
  };

  const state = async (id: number): Promise<Result<Uint8Array>> => {
    const answer = await request(`/${id}`);
    return answer.ok ? { ok: true, value: new Uint8Array(await answer.value.arrayBuffer()) } : answer;
  };

  return {
    async list() {
      const answer = await request('');
      return answer.ok ? { ok: true, value: ((await answer.value.json()) as { versions: VersionEntry[] }).versions } : answer;
    },
    save,
    async open(id) {
      const got = await state(id);
      if (!got.ok) return got;
      const doc = new Y.Doc();
      try {
        Y.applyUpdate(doc, got.value);
      } catch (thrown) {
        return { ok: false, error: collabError('update_invalid', `version ${id}: ${describeThrown(thrown)}`) };
      }
      return { ok: true, value: doc };
    },
    async restore(id, restoring = {}) {
      const got = await state(id); // first: a version that is not there changes nothing, saves nothing
      if (!got.ok) return got;
      const before = await save();
      if (!before.ok) return before;
      let revert: Uint8Array | undefined;
      try {
        revert = revertUpdate(options.doc, got.value, restoring.only);
      } catch (thrown) {
        return { ok: false, error: collabError('update_invalid', `version ${id}: ${describeThrown(thrown)}`) };
      }
      // Origin null: the user's own edit, so it is sent like one and is one step of their undo.
      if (revert) Y.applyUpdate(options.doc, revert, null);
      try {
        await options.flush();
      } catch (thrown) {
        return { ok: false, error: collabError('version_unavailable', `version ${id} brought back here, not stored: ${describeThrown(thrown)}`) };
      }
      return { ok: true, value: { before: before.value } };
    },
  };
}
