'use client';
/**
 * [REACT-18] `<VersionHistory room={room} />`: a room's versions (COLLAB-50) as a panel. Each
 * version is listed by when it was kept and by whom or why; choosing one shows its board as a
 * picture, and a member who may write brings it back with one button (undo takes it back) or
 * saves the board as it is now, with a name if they like. Plain buttons and lists, so a keyboard
 * and a screen reader use it as they would any page.
 */
import { useCallback, useEffect, useId, useMemo, useRef, useState, type CSSProperties, type FormEvent, type ReactNode } from 'react';
import type * as Y from 'yjs';
import type { Room } from '../../client/enter-room.js';
import type { VersionEntry } from '../../core/store.js';
import { readBoardShapes } from '../../whiteboard/board.js';
import { boardToSvg } from '../../whiteboard/export-svg.js';
import { boardChanges, describeBoardChanges } from '../../whiteboard/board-changes.js';
import type { Shape } from '../../whiteboard/shape.js';
import { dayLabel } from '../chat/day-label.js';
import { clock, describeError } from '../chat/message-item.js';
import { VERSIONS_CLASS, VERSIONS_CSS } from './version-styles.js';

export interface VersionHistoryProps {
  /** The room (`useRoom()`), entered with `versionsUrl`. */
  room: Pick<Room, 'versions' | 'assets' | 'doc'>;
  /** A viewer's panel: versions are listed and shown, never saved or brought back. */
  readOnly?: boolean;
  /** Shows a Close button (and Escape closes) that calls it. */
  onClose?: () => void;
  /**
   * What else of the chosen version to show below its board's picture: the app's own content of
   * the document (the demo shows its notes' text). The document is the version's, read-only.
   */
  preview?: (doc: Y.Doc) => ReactNode;
  /**
   * [COLLAB-51] Parts of the document a writer may bring back alone, each a button `Restore
   * <label> only` beside `Restore this version`: `{ label: 'the board', only: ['whiteboard',
   * 'comments'] }`, `{ label: 'the notes', only: ['notes'] }`.
   */
  parts?: readonly VersionPart[];
  className?: string;
  style?: CSSProperties;
}

/** [COLLAB-51] A part of the document: what its restore button says, and its top-level types. */
export interface VersionPart {
  readonly label: string;
  readonly only: readonly string[];
}

/** When a version was kept, as the chat says when a message was sent: `Today 14:05`. */
export function versionTime(at: number, now = Date.now()): string {
  return `${dayLabel(at, now)} ${clock(at)}`;
}

/** Why the version exists: its name, who saved it, or the server's own. */
export function versionReason(v: VersionEntry): string {
  if (v.label !== undefined) return v.by ? `${v.label} (${v.by.name ?? v.by.id})` : v.label;
  return v.by ? `Saved by ${v.by.name ?? v.by.id}` : 'Kept automatically';
}

const countOf = (shapes: readonly Shape[]): string => (shapes.length === 1 ? '1 shape' : `${shapes.length} shapes`);

interface Shown {
  readonly id: number;
  readonly picture: string;
  readonly shapes: readonly Shape[];
  /** The version's document, for `preview`; destroyed when another is shown or the panel goes. */
  readonly doc: Y.Doc;
}

export function VersionHistory({ room, readOnly = false, onClose, preview, parts = [], className, style }: VersionHistoryProps): ReactNode {
  const versions = room.versions;
  const titleId = useId();
  const [listed, setListed] = useState<VersionEntry[] | undefined>(undefined);
  const [selected, setSelected] = useState<number | undefined>(undefined);
  const [shown, setShown] = useState<Shown | undefined>(undefined);
  const [status, setStatus] = useState('');
  const [problem, setProblem] = useState('');
  const [busy, setBusy] = useState(false);
  const [name, setName] = useState('');
  const alive = useRef(true);
  useEffect(() => {
    alive.current = true;
    return () => void (alive.current = false);
  }, []);

  const refresh = useCallback(async (): Promise<VersionEntry[] | undefined> => {
    if (!versions) return undefined;
    const got = await versions.list();
    if (!alive.current) return undefined;
    if (!got.ok) return void setProblem(`Versions could not be loaded: ${describeError(got.error)}`);
    setListed(got.value);
    return got.value;
  }, [versions]);
  useEffect(() => void refresh(), [refresh]);

  // The chosen version's board, drawn as the export draws it (pictures from the room's assets).
  useEffect(() => {
    if (!versions || selected === undefined) return;
    let current = true;
    void versions.open(selected).then((opened) => {
      if (!current || !alive.current) return void (opened.ok && opened.value.destroy());
      if (!opened.ok) return setProblem(`That version could not be opened: ${describeError(opened.error)}`);
      const doc: Y.Doc = opened.value;
      const shapes = readBoardShapes(doc);
      const svg = boardToSvg(shapes, room.assets ? { assetUrl: (src) => room.assets?.url(src) } : {});
      setShown({ id: selected, picture: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`, shapes, doc });
    });
    return () => void (current = false);
  }, [versions, selected, room.assets]);
  useEffect(() => (shown ? () => shown.doc.destroy() : undefined), [shown]);

  // [BOARD-39] The board now, against the chosen version's: read again as the room's document
  // changes, at most every 300 ms (a drag is many updates; a large board is many shapes to read).
  const [edits, setEdits] = useState(0);
  useEffect(() => {
    if (!shown) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const changed = (): void => {
      timer ??= setTimeout(() => {
        timer = undefined;
        setEdits((n) => n + 1);
      }, 300);
    };
    room.doc.on('update', changed);
    return () => {
      room.doc.off('update', changed);
      clearTimeout(timer);
    };
  }, [room.doc, shown]);
  const since = useMemo(() => (shown ? describeBoardChanges(boardChanges(shown.shapes, readBoardShapes(room.doc))) : ''), [shown, room.doc, edits]);

  // The buttons stay enabled (aria-disabled while busy): a disabled button drops the focus to the
  // page, and Escape there no longer reaches the panel.
  const act = async (what: () => Promise<string | undefined>): Promise<void> => {
    if (busy) return;
    setBusy(true);
    setProblem('');
    setStatus('');
    try {
      const done = await what();
      if (alive.current && done !== undefined) setStatus(done);
    } finally {
      if (alive.current) setBusy(false);
    }
  };

  const save = (event: FormEvent): void => {
    event.preventDefault();
    if (!versions) return;
    void act(async () => {
      const label = name.trim();
      const saved = await versions.save(label === '' ? undefined : label);
      if (!saved.ok) return void setProblem(`Not saved: ${describeError(saved.error)}`);
      setName('');
      await refresh();
      setSelected(saved.value.id);
      return label === '' ? 'Version saved' : `Saved “${label}”`;
    });
  };

  const restore = (v: VersionEntry, part?: VersionPart): void => {
    if (!versions) return;
    void act(async () => {
      const back = await versions.restore(v.id, part ? { only: part.only } : {});
      if (!back.ok) return void setProblem(`Not restored: ${describeError(back.error)}`);
      await refresh();
      const what = part ? `${part.label} of the version` : 'the version';
      return `Restored ${what} of ${versionTime(v.at)}. Undo takes it back; the board as it was is kept as a version too.`;
    });
  };

  const chosen = listed?.find((v) => v.id === selected);
  return (
    <section
      className={[VERSIONS_CLASS, className].filter(Boolean).join(' ')}
      style={style}
      aria-labelledby={titleId}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && onClose) {
          e.stopPropagation();
          onClose();
        }
      }}
    >
      <style>{VERSIONS_CSS}</style>
      <header className={`${VERSIONS_CLASS}-head`}>
        <h2 id={titleId}>Version history</h2>
        {onClose && (
          <button type="button" className={`${VERSIONS_CLASS}-button`} onClick={onClose}>
            Close
          </button>
        )}
      </header>
      {!versions ? (
        <p>Version history is not available here.</p>
      ) : (
        <>
          {!readOnly && (
            <form className={`${VERSIONS_CLASS}-save`} onSubmit={save}>
              <input className={`${VERSIONS_CLASS}-input`} aria-label="Version name" placeholder="Name (optional)" maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
              <button type="submit" className={`${VERSIONS_CLASS}-button`} aria-disabled={busy}>
                Save version
              </button>
            </form>
          )}
          <p role="status" className={`${VERSIONS_CLASS}-status`}>
            {status}
          </p>
          {problem && (
            <p role="alert" className={`${VERSIONS_CLASS}-problem`}>
              {problem}
            </p>
          )}
          {listed === undefined ? (
            problem ? null : <p>Loading versions…</p>
          ) : listed.length === 0 ? (
            <p>No versions yet. One is kept every few minutes while the board is edited{readOnly ? '.' : ', or save one now.'}</p>
          ) : (
            <ul className={`${VERSIONS_CLASS}-list`} aria-label="Versions">
              {listed.map((v) => (
                <li key={v.id}>
                  <button type="button" className={`${VERSIONS_CLASS}-item`} aria-pressed={v.id === selected} onClick={() => setSelected(v.id)}>
                    <span className={`${VERSIONS_CLASS}-time`}>{versionTime(v.at)}</span> <span>{versionReason(v)}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
          {chosen && (
            <div className={`${VERSIONS_CLASS}-preview`}>
              {shown?.id === chosen.id ? (
                <>
                  <img src={shown.picture} alt={`The board as it was ${versionTime(chosen.at)}: ${countOf(shown.shapes)}`} />
                  <p className={`${VERSIONS_CLASS}-count`}>{countOf(shown.shapes)}</p>
                  <p className={`${VERSIONS_CLASS}-since`}>{since}</p>
                  {preview?.(shown.doc)}
                </>
              ) : (
                <p>Opening…</p>
              )}
              {!readOnly && (
                <div className={`${VERSIONS_CLASS}-restore`}>
                  <button type="button" className={`${VERSIONS_CLASS}-button`} aria-disabled={busy} onClick={() => restore(chosen)}>
                    Restore this version
                  </button>
                  {parts.map((part) => (
                    <button key={part.label} type="button" className={`${VERSIONS_CLASS}-button ${VERSIONS_CLASS}-part`} aria-disabled={busy} onClick={() => restore(chosen, part)}>
                      Restore {part.label} only
                    </button>
                  ))}
                </div>
              )}
            </div>
          )}
        </>
      )}
    </section>
  );
}
