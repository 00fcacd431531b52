/**
 * `<Whiteboard room={room} />` (BOARD-10…13): a drop-in collaborative whiteboard over a room from
 * `enterRoom`. Shapes come from the room's document through the framework-free Board, the others'
 * cursors, selections and live strokes from presence; undo is the room's per-user undo. Nothing
 * touches `window` during render, so it renders on the server (an empty board) and hydrates.
 */
import { memo, useCallback, useEffect, useId, useMemo, useRef, useState, type CSSProperties, type KeyboardEvent, type ReactElement } from 'react';
import { unreadMessages, type CommentThread } from '../../whiteboard/comments.js';
import { pickable, type Shape } from '../../whiteboard/shape.js';
import { shapeSvg } from '../../whiteboard/shape-svg.js';
import { shapeLabel } from '../../whiteboard/shape-label.js';
import { canGroup } from '../../whiteboard/groups.js';
import { textPatch } from '../../whiteboard/rotate.js';
import { assetIdOf } from '../../protocol/assets.js';
import { downloadFile, inlineAssets, pngFile, svgFile, type ExportedFile } from './export-file.js';
import { FollowPicker } from './follow-picker.js';
import { GestureLayer } from './gesture-layer.js';
import { LaserTrail, PeersLayer } from './peers-layer.js';
import { useLaser } from './use-laser.js';
import { PendingPictures, PendingStatus } from './pending-pictures.js';
import { SelectionLayer } from './selection-layer.js';
import { gridStyle, WB, WHITEBOARD_CSS } from './styles.js';
import { SvgElement } from './svg-element.js';
import { editingOf, newShapeOf, TextEditor, type Editing } from './text-editor.js';
import { ThumbUntilLoaded } from './thumb-until-loaded.js';
import { COLORS, Toolbar, TOOLS, WIDTHS, type Tool } from './toolbar.js';
import { useBoard, useCommentThreads, usePeers, useShapes, useUndoState, type WhiteboardRoom } from './use-board.js';
import { useFollow } from './use-follow.js';
import { clampZoom, GRID, viewportOf, type BoardViewport } from '../../whiteboard/viewport.js';
import { useSnap } from './use-snap.js';
import { snapPoint } from '../../whiteboard/snap.js';
import { useFocusKeeper } from './use-focus-keeper.js';
import { viewFitting } from '../../whiteboard/fit-view.js';
import { boardPoint, usePointerTools, type Box, type View } from './use-pointer-tools.js';
import type { Turning } from './pointer-gesture.js';
import { useBoardClipboard } from './use-clipboard.js';
import { selectionActions, turnOrFlipKey } from './selection-actions.js';
import { CommentPanel, CommentPins, type OpenComment } from './comments-layer.js';
import { useImages } from './use-images.js';
import { useThumbBackfill } from './use-thumb-backfill.js';
import { useCommentsSeen } from './use-comments-seen.js';

export interface WhiteboardProps {
  /** The room from `enterRoom` (anything with its `doc`, `presence` and `history`). */
  room: WhiteboardRoom;
  /** Published in presence so the others see who is drawing (else what the room's presence holds). */
  name?: string;
  /** This member's cursor and selection colour (a hex colour). */
  color?: string;
  initialTool?: Tool;
  /**
   * [BOARD-20] A viewer's board: pan, zoom, follow, select, copy, export and read comments, but no
   * tool that changes the board (for a member `authorize` grants `{ canWrite: false }`, whose edits
   * the server would refuse anyway).
   */
  readOnly?: boolean;
  /** Called with each exported file instead of downloading it (to upload it, say). */
  onExport?: (file: ExportedFile) => void;
  /** Reports an export that failed (the default logs it). */
  onError?: (error: Error) => void;
  /**
   * [BOARD-15] Follow this member (a presence connection id), as if picked in the Follow select —
   * for an app whose own avatars start following; `null` stops. Changes take effect, a steady value
   * does not fight the select.
   */
  follow?: string | null;
  /** Called when following starts (the connection id) or ends (`null`: stopped, moved, or they left). */
  onFollow?: (connection: string | null) => void;
  className?: string;
  style?: CSSProperties;
}

const IDENTITY: View = { x: 0, y: 0, zoom: 1 };

export function Whiteboard({ room, name, color: myColor, initialTool = 'pen', readOnly = false, onExport, onError, follow, onFollow, className, style }: WhiteboardProps): ReactElement {
  const board = useBoard(room);
  const shapes = useShapes(board);
  const peers = usePeers(board);
  const undo = useUndoState(room.history);
  const [chosenTool, setTool] = useState<Tool>(initialTool);
  // A viewer selects, pans and points (BOARD-20, BOARD-31).
  const tool: Tool = readOnly && chosenTool !== 'laser' ? 'select' : chosenTool;
  const laser = useLaser(board);
  const [marquee, setMarquee] = useState<Box | null>(null);
  const [drawing, setDrawing] = useState<string | null>(null); // the line or arrow being drawn (BOARD-30)
  const [turning, setTurning] = useState<Turning | null>(null); // a turn under way (BOARD-41)
  const [color, setColor] = useState(COLORS[0]!.color);
  const colorRef = useRef(color);
  colorRef.current = color;
  const [width, setWidth] = useState(WIDTHS[0]!.width);
  const [snap, toggleSnap] = useSnap(); // [BOARD-43]
  const [view, setView] = useState<View>(IDENTITY);
  const [selection, setSelectionState] = useState<readonly string[]>([]);
  const [editing, setEditing] = useState<Editing | null>(null);
  const [comment, setComment] = useState<OpenComment | null>(null);
  const threads = useCommentThreads(board);
  // [BOARD-23] News in comment threads: messages of others since this person last had the thread open.
  const seen = useCommentsSeen(room.id);
  const me = { name: name ?? board?.me().name ?? '' };
  const unread = (thread: CommentThread): number => {
    const since = seen.seenAt(thread.id);
    return since === undefined ? 0 : unreadMessages(thread, since, me);
  };
  const openThread = comment?.kind === 'thread' ? threads.find((t) => t.id === comment.id) : undefined;
  const newestOpen = openThread?.messages[openThread.messages.length - 1]?.at;
  useEffect(() => {
    if (openThread && newestOpen !== undefined) seen.markSeen(openThread.id, newestOpen); // open: read, replies as they come too
  }, [openThread?.id, newestOpen, seen.markSeen]);
  const space = useRef(false);
  const surface = useRef<SVGSVGElement>(null);
  const root = useRef<HTMLDivElement>(null);
  const labelId = useId();
  useFocusKeeper(root, surface);

  const shapesById = useMemo(() => new Map(shapes.map((s) => [s.id, s])), [shapes]);
  // Names for screen readers, made when the shapes change, not on every cursor or laser frame.
  const labels = useMemo(() => new Map(shapes.map((s) => [s.id, shapeLabel(s, (id) => shapesById.get(id))])), [shapes, shapesById]);
  // Another member may delete or [BOARD-35] lock a selected shape: show and act on what is still pickable.
  const selectedNow = selection.filter((id) => shapesById.has(id) && !shapesById.get(id)?.locked);
  const selectedKey = selectedNow.join(' ');
  // The same array while the same shapes are selected: presence is sent only when the selection changes.
  const selected = useMemo(() => selectedNow, [selectedKey]); // keyed by content on purpose

  const setSelection = useCallback((ids: readonly string[]) => setSelectionState(ids), []);
  // Leaving the board (unmount, another room) clears what the others see of this member on it.
  useEffect(() => (board ? () => board.setPresence({ cursor: null, selection: [], stroke: null, viewport: null, following: null, spotlight: null }) : undefined), [board]);
  useEffect(() => board?.setPresence({ selection: selected }), [board, selected]);
  useEffect(() => {
    if (board && (name !== undefined || myColor !== undefined)) {
      board.setPresence({ ...(name !== undefined && { name }), ...(myColor !== undefined && { color: myColor }) });
    }
  }, [board, name, myColor]);

  // A text, or [BOARD-28] a sticky note: a new one takes the tool's colour (as ink, or as paper),
  // and [BOARD-43] with snap on its corner is on a dot, like a box drawn then.
  const snapRef = useRef(snap);
  snapRef.current = snap;
  const startText = useCallback((at: { x: number; y: number }, shape?: Shape, kind: 'text' | 'note' = 'text') => {
    const next = editingOf(at, shape, kind, colorRef.current);
    setEditing(!shape && snapRef.current ? { ...next, ...snapPoint(next) } : next);
  }, []);
  // The editor's blur commits, and so may Ctrl+Enter: the ref makes sure a note is committed once.
  const editingRef = useRef(editing);
  editingRef.current = editing;
  const following = useFollow({ board, peers, view, setView, surface, onFollow });
  const { moveView } = following;
  useEffect(() => {
    if (follow !== undefined) following.follow(follow);
  }, [follow]); // only when the prop changes: the select may have moved on since
  // Panning and zooming by hand is this member's own move: it ends following (moveView).
  const pointer = usePointerTools({ board, tool, color, width, view, selection: selected, setSelection, setView: moveView, startText, spaceHeld: () => space.current, editingText: () => editingRef.current !== null, openComment: setComment, readOnly, laser: laser.point, marquee: setMarquee, drawing: setDrawing, snap, turning: setTurning });

  const commitText = (): void => {
    const note = editingRef.current;
    if (!board || !note) return;
    editingRef.current = null;
    const text = note.text.trimEnd();
    if (note.id) {
      // Begun before anyone locked the shape (BOARD-38): what was typed is kept, not refused.
      if (text) board.update(note.id, textPatch(board.shape(note.id), text), { ignoreLock: true }); // [BOARD-41] a turned text keeps its corner
      else board.remove([note.id], { ignoreLock: true });
    } else if (text) {
      board.add(newShapeOf(note, text, color, width));
    }
    setEditing(null);
    surface.current?.focus({ preventScroll: true });
  };

  const zoomBy = useCallback((factor: number | null, about?: { x: number; y: number }) => {
    moveView((v) => {
      if (factor === null) return IDENTITY;
      const zoom = clampZoom(v.zoom * factor);
      const cx = about?.x ?? (surface.current?.clientWidth ?? 0) / 2, cy = about?.y ?? (surface.current?.clientHeight ?? 0) / 2;
      // Keep the board point under (cx, cy) where it is.
      return { zoom, x: cx - ((cx - v.x) * zoom) / v.zoom, y: cy - ((cy - v.y) * zoom) / v.zoom };
    });
  }, [moveView]);

  /** [BOARD-33] Brings these shapes (all of them when none are given) into view. */
  const fit = (only?: readonly string[]): void => {
    const wanted = only && only.length > 0 ? new Set(only) : undefined;
    moveView(() => viewFitting(wanted ? shapes.filter((s) => wanted.has(s.id)) : shapes, surfaceSize()));
  };

  // Wheel: pan, or zoom with Ctrl/Cmd (and trackpad pinch). Not passive, so the page does not scroll.
  useEffect(() => {
    const el = surface.current;
    if (!el) return;
    const onWheel = (e: WheelEvent): void => {
      e.preventDefault();
      if (e.ctrlKey || e.metaKey) {
        const rect = el.getBoundingClientRect();
        zoomBy(Math.exp(-e.deltaY / 300), { x: e.clientX - rect.left, y: e.clientY - rect.top });
      } else {
        moveView((v) => ({ ...v, x: v.x - e.deltaX, y: v.y - e.deltaY }));
      }
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [zoomBy, moveView]);

  /** The surface's size in pixels; before layout (and in jsdom) a stand-in, so a view always has a middle. */
  const surfaceSize = (): { width: number; height: number } => ({ width: surface.current?.clientWidth || 480, height: surface.current?.clientHeight || 320 });
  /** The middle of the view, in board units. */
  const viewCenter = (): { x: number; y: number } => {
    const { width, height } = surfaceSize();
    return { x: (width / 2 - view.x) / view.zoom, y: (height / 2 - view.y) / view.zoom };
  };
  /**
   * [BOARD-22] Where the pointer is over the board (client pixels, read in board units when used, so
   * a zoom meanwhile counts), or null when it is elsewhere: a paste lands under it, as in every
   * drawing app, and in the middle of the view for the keyboard.
   */
  const hover = useRef<{ clientX: number; clientY: number } | null>(null);
  const pasteSpot = (): { x: number; y: number } =>
    hover.current && surface.current ? boardPoint({ ...hover.current, currentTarget: surface.current }, view) : viewCenter();
  const reportError = onError ?? ((error: Error) => console.error('[kuiper whiteboard]', error));
  const shown = (): BoardViewport => viewportOf(view, surfaceSize());
  const images = useImages({ board, assets: room.assets, view, readOnly, center: viewCenter, viewport: shown, setSelection, onError: reportError });
  useThumbBackfill({ board, shapes, assets: room.assets, readOnly });
  const clipboard = useBoardClipboard({ root, board, selected, setSelection, view, center: pasteSpot, readOnly, assets: room.assets, onPictures: (files) => void images.insert(files, pasteSpot()) });

  /** Keyboard drawing: Enter puts the current tool's shape (or a text note) in the middle of the view. */
  const addAtCenter = (): void => {
    if (!board) return;
    const { x, y } = viewCenter();
    if (tool === 'text' || tool === 'note') return startText({ x, y }, undefined, tool);
    if (tool === 'comment') return setComment({ kind: 'new', x, y });
    if (tool !== 'rect' && tool !== 'ellipse' && tool !== 'line' && tool !== 'arrow') return;
    const line = tool === 'line' || tool === 'arrow';
    const added = board.add({ kind: tool, x: x - 60, y: line ? y : y - 40, w: 120, h: line ? 0 : 80, color, width });
    if (added.ok) setSelection([added.value.id]);
  };

  const act = selectionActions(board, selected, setSelection);
  const chosen = selected.flatMap((id) => shapesById.get(id) ?? []); // [BOARD-40] what Group and Ungroup act on (by id: Ctrl+A on a large board)
  const changeColor = (next: string): void => {
    setColor(next);
    act.recolor(next);
  };
  const changeWidth = (next: number): void => {
    setWidth(next);
    act.rewidth(next);
  };
  const exportAs = (format: 'png' | 'svg'): void => {
    const done = onExport ?? downloadFile;
    const fail = onError ?? ((error: Error) => console.error('[kuiper whiteboard] export failed:', error));
    const failed = (error: unknown): void => fail(error instanceof Error ? error : new Error(String(error)));
    // [BOARD-24] A file carries its pictures: the room's assets are fetched and put inline first.
    // Without any, an SVG is made at once, inside the click (a browser may hold back a later download).
    const hasAssets = room.assets !== undefined && shapes.some((shape) => shape.src !== undefined && assetIdOf(shape.src) !== undefined);
    if (format === 'svg' && !hasAssets) return done(svgFile(shapes));
    inlineAssets(shapes, room.assets)
      .then((all) => (format === 'svg' ? svgFile(all) : pngFile(all)))
      .then(done, failed);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (e.target instanceof HTMLTextAreaElement) return;
    const mod = e.ctrlKey || e.metaKey;
    const key = e.key.toLowerCase();
    // A viewer's keys only look: select, step through shapes, zoom, pan (copy goes by its own event).
    if (readOnly && !(e.key === 'Escape' || e.key === ']' || e.key === '[' || e.key === ' ' || (mod && key === 'a') || (!mod && ['+', '=', '-', '0', 'k', 'v'].includes(key)) || (e.shiftKey && (e.code === 'Digit1' || e.code === 'Digit2')))) return;
    if (mod && key === 'z') {
      e.preventDefault();
      if (e.shiftKey) room.history.redo();
      else room.history.undo();
    } else if (mod && key === 'y') {
      e.preventDefault();
      room.history.redo();
    } else if ((e.key === 'Delete' || e.key === 'Backspace') && selected.length > 0) {
      e.preventDefault();
      act.remove();
    } else if (mod && e.shiftKey && key === 'l') {
      e.preventDefault(); // [BOARD-35] not the browser's address bar
      act.lock();
    } else if (mod && e.key === "'") {
      e.preventDefault(); // [BOARD-43]
      toggleSnap();
    } else if (mod && key === 'g') {
      e.preventDefault(); // [BOARD-40] not the browser's find-next
      if (e.shiftKey) act.ungroup();
      else act.group();
    } else if (!readOnly && selected.length > 0 && turnOrFlipKey(e)) {
      e.preventDefault(); // [BOARD-41] Shift+. and Shift+, turn it a step; [BOARD-44] Shift+H and Shift+V flip it
      act.turnOrFlip(turnOrFlipKey(e)!);
    } else if (e.key === 'Escape') {
      setSelection([]);
    } else if (mod && key === 'd' && selected.length > 0) {
      e.preventDefault(); // not the browser's bookmark
      clipboard.duplicate();
    } else if (mod && key === 'a' && e.target === surface.current) {
      e.preventDefault();
      setSelection(pickable(shapes).map((s) => s.id));
    } else if ((e.key === ']' || e.key === '[') && pickable(shapes).length > 0) {
      // Keyboard selection: step through the shapes front to back (]) or back to front ([), locked ones left out.
      const open = pickable(shapes);
      const at = selected.length > 0 ? open.findIndex((s) => s.id === selected[selected.length - 1]) : -1;
      const next = e.key === ']' ? (at <= 0 ? open.length - 1 : at - 1) : (at + 1) % open.length;
      setSelection([open[next]!.id]);
    } else if (key === 'f' && !mod && selected.length > 0 && board) {
      board.bringToFront(selected);
    } else if (e.key === 'Enter' && e.target === surface.current && board) {
      e.preventDefault();
      addAtCenter();
    } else if (e.key.startsWith('Arrow') && selected.length > 0 && board) {
      e.preventDefault();
      const step = snap ? GRID : (e.shiftKey ? 10 : 1) / view.zoom; // [BOARD-43] snapped: a grid step
      const [dx, dy] = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] }[e.key] ?? [0, 0];
      act.nudge(dx!, dy!);
    } else if (e.key === ' ' && e.target === surface.current) {
      e.preventDefault();
      space.current = true;
    } else if (!mod && e.shiftKey && (e.code === 'Digit1' || e.code === 'Digit2')) {
      e.preventDefault();
      fit(e.code === 'Digit2' ? selected : undefined);
    } else if (!mod && !e.altKey && (e.key === '+' || e.key === '=' || e.key === '-' || e.key === '0')) {
      zoomBy(e.key === '0' ? null : e.key === '-' ? 1 / 1.25 : 1.25);
    } else if (!mod && !e.altKey) {
      const match = TOOLS.find((t) => t.key === key);
      if (match) setTool(match.tool);
    }
  };

  const accent = myColor ?? 'var(--kuiper-wb-accent, #1971c2)';
  return (
    <div ref={root} className={`${WB}${className ? ` ${className}` : ''}`} style={style} onKeyDown={onKeyDown} onKeyUp={(e) => e.key === ' ' && (space.current = false)}>
      <style>{WHITEBOARD_CSS}</style>
      <Toolbar readOnly={readOnly} tool={tool} color={color} width={width} canUndo={undo.canUndo} canRedo={undo.canRedo} canDelete={selected.length > 0} canUnlock={shapes.some((s) => s.locked)} canAlign={selected.length > 1}
        canGroup={canGroup(chosen)} canUngroup={chosen.some((s) => s.group !== undefined)} onGroup={act.group} onUngroup={act.ungroup} canFlip={selected.length > 0} onFlip={act.flip}
        onTool={setTool} onColor={changeColor} onWidth={changeWidth} onUndo={() => room.history.undo()} onRedo={() => room.history.redo()}
        onDelete={act.remove} onLock={act.lock} onUnlockAll={act.unlockAll} onAlign={act.align} onFront={() => board?.bringToFront(selected)} onZoom={(f) => zoomBy(f)} onFit={() => fit(selected)} snap={snap} onSnap={toggleSnap} onExport={exportAs}
        onPictures={(files) => void images.insert(files)} />
      <div className={`${WB}-stage`}>
      <FollowPicker peers={peers} following={following.following} followers={following.followers} onFollow={following.follow}
        spotlit={following.spotlit} {...(readOnly ? {} : { onSpotlight: following.spotlight })} />
      <svg ref={surface} className={`${WB}-surface`} role="application" aria-label="Whiteboard" aria-describedby={labelId} tabIndex={0}
        data-tool={tool} data-snap={snap ? '' : undefined} onPointerDown={pointer.onPointerDown}
        onPointerMove={(e) => {
          hover.current = { clientX: e.clientX, clientY: e.clientY };
          pointer.onPointerMove(e);
        }}
        onPointerUp={pointer.onPointerUp} onPointerCancel={pointer.onPointerCancel}
        onPointerLeave={() => {
          hover.current = null;
          pointer.onPointerLeave();
        }}
        onDoubleClick={pointer.onDoubleClick} onDragStart={(e) => e.preventDefault()} onDragOver={images.onDragOver} onDrop={images.onDrop}
        style={{ ...gridStyle(view), ...(following.following ? { outline: `3px solid ${following.following.color}`, outlineOffset: -3 } : {}) }}>
        <g transform={`translate(${view.x} ${view.y}) scale(${view.zoom})`}>
          <g role="list" aria-label="Shapes">
            {shapes.map((shape) => <ShapeItem key={shape.id} shape={shape} label={labels.get(shape.id) ?? ''} assetUrl={room.assets?.url} />)}
          </g>
          <PendingPictures pending={images.pending} zoom={view.zoom} />
          <SelectionLayer shapes={chosen} zoom={view.zoom} accent={accent} handles={tool === 'select' && !readOnly} viewTop={-view.y / view.zoom} turning={turning} />
          <GestureLayer marquee={marquee} connector={drawing === null ? undefined : shapesById.get(drawing)} shapesById={shapesById} zoom={view.zoom} accent={accent} />
          <CommentPins threads={threads} zoom={view.zoom} open={comment} showResolved={tool === 'comment'} unread={unread} onOpen={setComment} />
          <PeersLayer peers={peers} shapesById={shapesById} zoom={view.zoom} />
          <LaserTrail points={laser.trail} color={myColor ?? board?.me().color ?? '#e03131'} zoom={view.zoom} owner="me" />
        </g>
      </svg>
      <PendingStatus count={images.pending.length} />
      {editing && (
        <TextEditor editing={editing} view={view} onChange={(text) => setEditing({ ...editing, text })} commit={commitText}
          cancel={() => {
            editingRef.current = null;
            setEditing(null);
          }} />
      )}
      {board && comment && (
        <CommentPanel key={comment.kind === 'thread' ? comment.id : `${comment.x} ${comment.y}`} board={board} open={comment} threads={threads} view={view} readOnly={readOnly} stageWidth={surface.current?.clientWidth || Infinity}
          author={{ name: name ?? board.me().name }} onOpen={(next) => {
            setComment(next);
            if (!next) surface.current?.focus({ preventScroll: true });
          }} />
      )}
      </div>
      <p id={labelId} className={`${WB}-sr`}>
        {`${shapes.length} shapes, ${peers.length} others here. Tools: P pen, R rectangle, O ellipse, L line, A arrow, T text, N sticky note, V select, E eraser, C comment, K laser pointer. Shift+1 zooms to fit the board, Shift+2 the selection, Ctrl+' snaps to the grid. Enter adds the tool's shape in the middle, ] and [ select the next shape, arrow keys move the selection, Shift+. and Shift+, turn it 15°, Shift+H and Shift+V flip it, Delete removes it, Ctrl+C, Ctrl+X and Ctrl+V copy, cut and paste it, Ctrl+D duplicates it, Ctrl+Z undoes. Paste or drop a picture to add it.`}
      </p>
    </div>
  );
}

/**
 * One shape on the board. The Board hands out the same object until the shape changes, so a cursor
 * moving (20 updates a second per member) re-renders no shape and re-smooths no pen stroke.
 */
const ShapeItem = memo(function ShapeItem({ shape, label, assetUrl }: { shape: Shape; label: string; assetUrl: ((src: string) => string | undefined) | undefined }): ReactElement {
  // [BOARD-25] An asset picture with a thumbnail: the thumbnail beneath until the picture has loaded.
  const fetched = shape.thumb !== undefined && shape.src !== undefined && !shape.src.startsWith('data:') ? assetUrl?.(shape.src) : undefined;
  return (
    <g role="listitem" aria-label={label}>
      {fetched !== undefined && <ThumbUntilLoaded shape={shape} href={fetched} />}
      <SvgElement node={shapeSvg(shape, assetUrl ? { assetUrl } : {})} />
    </g>
  );
});
