/**
 * The whiteboard's toolbar (BOARD-10): tools as a set of toggle buttons, colours and widths as radio
 * groups, undo/redo and export as plain buttons — every one with an accessible name and reachable
 * by keyboard.
 */
import { useRef, type ReactElement } from 'react';
import { WB } from './styles.js';
import { PictureIcon } from '../picture-icon.js';
import { ALIGNMENTS, type Alignment } from '../../whiteboard/align.js';
import { FLIP_AXES, type FlipAxis } from '../../whiteboard/flip.js';

export type Tool = 'pen' | 'rect' | 'ellipse' | 'line' | 'arrow' | 'text' | 'note' | 'select' | 'eraser' | 'comment' | 'laser';

/** Accessible names are part of the contract (tests and assistive tech find tools by them). */
export const TOOLS: ReadonlyArray<{ tool: Tool; name: string; key: string; glyph: string }> = [
  { tool: 'select', name: 'Select', key: 'v', glyph: '↖' },
  { tool: 'pen', name: 'Pen', key: 'p', glyph: '✎' },
  { tool: 'rect', name: 'Rectangle', key: 'r', glyph: '▭' },
  { tool: 'ellipse', name: 'Ellipse', key: 'o', glyph: '◯' },
  { tool: 'line', name: 'Line', key: 'l', glyph: '╱' },
  { tool: 'arrow', name: 'Arrow', key: 'a', glyph: '→' },
  { tool: 'text', name: 'Text', key: 't', glyph: 'T' },
  { tool: 'note', name: 'Sticky note', key: 'n', glyph: '▤' },
  { tool: 'eraser', name: 'Eraser', key: 'e', glyph: '⌫' },
  { tool: 'comment', name: 'Comment', key: 'c', glyph: '' }, // drawn: emoji fonts are not everywhere
  { tool: 'laser', name: 'Laser pointer', key: 'k', glyph: '' }, // drawn, likewise
];

export const COLORS: ReadonlyArray<{ color: string; name: string }> = [
  { color: '#1e1e1e', name: 'Black' },
  { color: '#e03131', name: 'Red' },
  { color: '#2f9e44', name: 'Green' },
  { color: '#1971c2', name: 'Blue' },
  { color: '#f08c00', name: 'Orange' },
  { color: '#9c36b5', name: 'Purple' },
];

export const WIDTHS: ReadonlyArray<{ width: number; name: string }> = [
  { width: 2, name: 'Thin' },
  { width: 4, name: 'Medium' },
  { width: 8, name: 'Thick' },
];

export interface ToolbarProps {
  /** A viewer's toolbar (BOARD-20): the view and export only. */
  readOnly?: boolean;
  tool: Tool;
  color: string;
  width: number;
  canUndo: boolean;
  canRedo: boolean;
  canDelete: boolean;
  /** [BOARD-37] Two shapes or more are selected: `Align` is offered. */
  canAlign?: boolean;
  /** [BOARD-35] Some shape is locked: `Unlock all` is offered. */
  canUnlock?: boolean;
  /** [BOARD-40] The selection is two things or more (`Group`), or holds a grouped shape (`Ungroup` is offered). */
  canGroup?: boolean;
  canUngroup?: boolean;
  /** [BOARD-44] Something is selected (a locked shape never is, BOARD-35): `Flip horizontal` and `Flip vertical` are enabled. */
  canFlip?: boolean;
  onTool(tool: Tool): void;
  onColor(color: string): void;
  onWidth(width: number): void;
  onUndo(): void;
  onRedo(): void;
  onDelete(): void;
  onFront(): void;
  /** [BOARD-37] Aligns or distributes the selection (offered with two shapes or more selected). */
  onAlign?(how: Alignment): void;
  /** [BOARD-35] Locks the selection; `onUnlockAll` unlocks every locked shape. */
  onLock?(): void;
  onUnlockAll?(): void;
  /** [BOARD-40] Groups the selection; `onUngroup` takes it out of its groups. */
  onGroup?(): void;
  onUngroup?(): void;
  /** [BOARD-44] Mirrors the selection about the centre of the box round it. */
  onFlip?(axis: FlipAxis): void;
  onZoom(factor: number | null): void;
  /** [BOARD-33] Shows every shape (or, with a selection, the selected ones). */
  onFit(): void;
  /** [BOARD-43] Snap to grid is on; `onSnap` turns it on or off (an editing member's toolbar only). */
  snap?: boolean;
  onSnap?(): void;
  onExport(format: 'png' | 'svg'): void;
  /** [BOARD-22] Pictures picked with the Image button. */
  onPictures?(files: File[]): void;
}

const button = `${WB}-button`;

/** [BOARD-43] Nine dots: the grid. */
function GridIcon(): ReactElement {
  const dots = [3, 8, 13].flatMap((x) => [3, 8, 13].map((y) => <circle key={`${x} ${y}`} cx={x} cy={y} r="1.4" fill="currentColor" />));
  return (
    <svg width="14" height="14" viewBox="0 0 16 16" style={{ verticalAlign: 'middle' }}>
      {dots}
    </svg>
  );
}

/** A speech bubble, drawn like the width icons (a glyph needs an emoji font many systems lack). */
function CommentIcon(): ReactElement {
  return (
    <svg width="14" height="14" viewBox="0 0 16 16" style={{ verticalAlign: 'middle' }}>
      <path d="M2 2.5h12v8.5H7.5L4 14v-3H2z" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinejoin="round" />
    </svg>
  );
}

/** A padlock, shut or open (BOARD-35). */
function LockIcon({ open = false }: { open?: boolean }): ReactElement {
  return (
    <svg width="14" height="14" viewBox="0 0 16 16" style={{ verticalAlign: 'middle' }}>
      <rect x="3" y="7" width="10" height="7" rx="1.5" fill="currentColor" />
      <path d={open ? 'M5.5 7V4.5a2.5 2.5 0 0 1 5-.5' : 'M5.5 7V4.5a2.5 2.5 0 0 1 5 0V7'} fill="none" stroke="currentColor" strokeWidth="1.5" />
    </svg>
  );
}

/** Two boxes held by a frame's corners, or the corners gone (BOARD-40). */
function GroupIcon({ apart = false }: { apart?: boolean }): ReactElement {
  return (
    <svg width="14" height="14" viewBox="0 0 16 16" style={{ verticalAlign: 'middle' }}>
      {!apart && <path d="M1 4.5V1h3.5M11.5 1H15v3.5M15 11.5V15h-3.5M4.5 15H1v-3.5" fill="none" stroke="currentColor" strokeWidth="1.5" />}
      <rect x="3.5" y="3.5" width="5" height="5" fill="currentColor" />
      <rect x="8.5" y="8.5" width="4" height="4" fill="none" stroke="currentColor" strokeWidth="1.5" />
    </svg>
  );
}

/** [BOARD-44] Two triangles facing each other across a dashed axis (upright for a vertical flip). */
function FlipIcon({ axis }: { axis: FlipAxis }): ReactElement {
  return (
    <svg width="14" height="14" viewBox="0 0 16 16" style={{ verticalAlign: 'middle' }}>
      <g transform={axis === 'vertical' ? 'rotate(90 8 8)' : undefined}>
        <path d="M8 1v14" stroke="currentColor" strokeWidth="1.2" strokeDasharray="2 1.5" />
        <path d="M6 3.5v9L1.5 12.5z" fill="currentColor" />
        <path d="M10 3.5v9l4.5 0z" fill="none" stroke="currentColor" strokeWidth="1.2" strokeLinejoin="round" />
      </g>
    </svg>
  );
}

const FLIP_NAMES: Readonly<Record<FlipAxis, { name: string; key: string }>> = {
  horizontal: { name: 'Flip horizontal', key: 'Shift+H' },
  vertical: { name: 'Flip vertical', key: 'Shift+V' },
};

/** A pointer's glowing tip (BOARD-31). */
function LaserIcon(): ReactElement {
  return (
    <svg width="14" height="14" viewBox="0 0 16 16" style={{ verticalAlign: 'middle' }}>
      <path d="M2 14L9 7" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" opacity="0.5" />
      <circle cx="11" cy="5" r="3" fill="currentColor" />
    </svg>
  );
}

/** [BOARD-31] A viewer points too: the laser is the one tool of a read-only toolbar (it writes nothing). */
function ViewerPointer(p: ToolbarProps): ReactElement {
  const on = p.tool === 'laser';
  return (
    <div className={`${WB}-group`} role="group" aria-label="Tools">
      <button type="button" className={button} aria-label="Laser pointer" aria-pressed={on} title="Laser pointer (K)" onClick={() => p.onTool(on ? 'select' : 'laser')}>
        <span aria-hidden="true"><LaserIcon /></span>
      </button>
    </div>
  );
}

/** A radio group of buttons (colours, widths): one checked, each with its accessible name. */
function Choices<T extends string | number>(props: {
  label: string;
  options: ReadonlyArray<{ value: T; name: string }>;
  value: T;
  onChange(value: T): void;
  render(value: T): ReactElement;
}): ReactElement {
  return (
    <div className={`${WB}-group`} role="radiogroup" aria-label={props.label}>
      {props.options.map(({ value, name }) => (
        <button key={String(value)} type="button" role="radio" className={button} aria-label={name} aria-checked={props.value === value}
          title={name} onClick={() => props.onChange(value)}>
          {props.render(value)}
        </button>
      ))}
    </div>
  );
}

export function Toolbar(p: ToolbarProps): ReactElement {
  return (
    <div className={`${WB}-toolbar`} role="toolbar" aria-label="Whiteboard tools">
      {p.readOnly ? <ViewerPointer {...p} /> : <EditingGroups {...p} />}
      <div className={`${WB}-group`} role="group" aria-label="View">
        <button type="button" className={button} aria-label="Zoom out" title="Zoom out (-)" onClick={() => p.onZoom(1 / 1.25)}>−</button>
        <button type="button" className={button} aria-label="Reset view" title="Reset view (0)" onClick={() => p.onZoom(null)}>1:1</button>
        <button type="button" className={button} aria-label="Zoom in" title="Zoom in (+)" onClick={() => p.onZoom(1.25)}>+</button>
        <button type="button" className={button} aria-label="Zoom to fit" title="Zoom to fit (Shift+1; the selection: Shift+2)" onClick={p.onFit}>⤢</button>
        {!p.readOnly && p.onSnap && (
          <button type="button" className={button} aria-label="Snap to grid" aria-pressed={p.snap ?? false} title="Snap to grid (Ctrl+')" onClick={p.onSnap}><GridIcon /></button>
        )}
      </div>
      <div className={`${WB}-group`} role="group" aria-label="Export">
        <button type="button" className={button} aria-label="Export PNG" title="Download as PNG" onClick={() => p.onExport('png')}>PNG</button>
        <button type="button" className={button} aria-label="Export SVG" title="Download as SVG" onClick={() => p.onExport('svg')}>SVG</button>
      </div>
    </div>
  );
}

/** [BOARD-22] A picture from a file: a button that opens the file picker (the input itself is hidden). */
function ImageButton({ onPictures }: { onPictures: ToolbarProps['onPictures'] }): ReactElement | null {
  const input = useRef<HTMLInputElement>(null);
  if (!onPictures) return null;
  return (
    <>
      <button type="button" className={button} aria-label="Image" title="Insert an image (or paste or drop one)" onClick={() => input.current?.click()}>
        <span aria-hidden="true"><PictureIcon /></span>
      </button>
      <input ref={input} type="file" accept="image/png,image/jpeg,image/webp,image/gif" multiple hidden aria-label="Image file"
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          e.target.value = ''; // the same file picked again is a change too
          if (files.length > 0) onPictures(files);
        }} />
    </>
  );
}

const ALIGN_NAMES: Readonly<Record<Alignment, string>> = {
  left: 'Align left', center: 'Align centres', right: 'Align right', top: 'Align top', middle: 'Align middles', bottom: 'Align bottom',
  'distribute-x': 'Distribute horizontally', 'distribute-y': 'Distribute vertically',
};

/** [BOARD-37] One select, not eight buttons: the toolbar stays one row on a phone. */
function AlignSelect({ canAlign, onAlign }: { canAlign: boolean; onAlign(how: Alignment): void }): ReactElement {
  return (
    <select className={`${WB}-select ${WB}-align`} aria-label="Align" title="Align or distribute the selection" value="" disabled={!canAlign}
      onChange={(e) => (ALIGNMENTS as readonly string[]).includes(e.target.value) && onAlign(e.target.value as Alignment)}>
      <option value="">Align…</option>
      {ALIGNMENTS.map((how) => <option key={how} value={how}>{ALIGN_NAMES[how]}</option>)}
    </select>
  );
}

/** Everything that changes the board: tools, colour, width, undo, delete, bring to front. */
function EditingGroups(p: ToolbarProps): ReactElement {
  return (
    <>
      <div className={`${WB}-group`} role="group" aria-label="Tools">
        {TOOLS.map(({ tool, name, key, glyph }) => (
          <button key={tool} type="button" className={button} aria-label={name} aria-pressed={p.tool === tool}
            title={`${name} (${key.toUpperCase()})`} onClick={() => p.onTool(tool)}>
            <span aria-hidden="true">{tool === 'comment' ? <CommentIcon /> : tool === 'laser' ? <LaserIcon /> : glyph}</span>
          </button>
        ))}
        <ImageButton onPictures={p.onPictures} />
      </div>
      <Choices label="Colour" options={COLORS.map(({ color, name }) => ({ value: color, name }))} value={p.color} onChange={p.onColor}
        render={(color) => <span aria-hidden="true" className={`${WB}-swatch`} style={{ background: color }} />} />
      <Choices label="Stroke width" options={WIDTHS.map(({ width, name }) => ({ value: width, name }))} value={p.width} onChange={p.onWidth}
        render={(width) => (
          <svg aria-hidden="true" width="18" height="18"><line x1="3" y1="9" x2="15" y2="9" stroke="currentColor" strokeWidth={width / 1.5} strokeLinecap="round" /></svg>
        )} />
      <div className={`${WB}-group`} role="group" aria-label="History">
        <button type="button" className={button} aria-label="Undo" title="Undo (Ctrl+Z)" disabled={!p.canUndo} onClick={p.onUndo}>↶</button>
        <button type="button" className={button} aria-label="Redo" title="Redo (Ctrl+Shift+Z)" disabled={!p.canRedo} onClick={p.onRedo}>↷</button>
        <button type="button" className={button} aria-label="Delete" title="Delete selection (Del)" disabled={!p.canDelete} onClick={p.onDelete}>✕</button>
        <button type="button" className={button} aria-label="Bring to front" title="Bring to front (F)" disabled={!p.canDelete} onClick={p.onFront}>⤒</button>
        {p.onLock && <button type="button" className={button} aria-label="Lock" title="Lock the selection: no one moves it by accident (Ctrl+Shift+L)" disabled={!p.canDelete} onClick={p.onLock}><span aria-hidden="true"><LockIcon /></span></button>}
        {p.canUnlock && p.onUnlockAll && <button type="button" className={button} aria-label="Unlock all" title="Unlock every locked shape" onClick={p.onUnlockAll}><span aria-hidden="true"><LockIcon open /></span></button>}
        {p.onGroup && <button type="button" className={button} aria-label="Group" title="Group the selection: it moves as one (Ctrl+G)" disabled={!p.canGroup} onClick={p.onGroup}><span aria-hidden="true"><GroupIcon /></span></button>}
        {p.canUngroup && p.onUngroup && <button type="button" className={button} aria-label="Ungroup" title="Ungroup (Ctrl+Shift+G)" onClick={p.onUngroup}><span aria-hidden="true"><GroupIcon apart /></span></button>}
        {p.onFlip && FLIP_AXES.map((axis) => (
          <button key={axis} type="button" className={button} aria-label={FLIP_NAMES[axis].name} title={`${FLIP_NAMES[axis].name}: mirror the selection (${FLIP_NAMES[axis].key})`}
            disabled={!p.canFlip} onClick={() => p.onFlip?.(axis)}><span aria-hidden="true"><FlipIcon axis={axis} /></span></button>
        ))}
        {p.onAlign && <AlignSelect canAlign={p.canAlign ?? false} onAlign={p.onAlign} />}
      </div>
    </>
  );
}
