/**
 * This member's selection on the board: an outline round each selected shape (turned with it,
 * BOARD-41), the resize handle at one selected shape's corner (BOARD-18), and the rotate handle
 * above the selection, or below it when above is out of view (BOARD-41). Both handles are for the
 * select tool and a member who may edit.
 */
import type { ReactElement } from 'react';
import { centreOfBox, turnPoint, unionOf } from '../../whiteboard/geometry.js';
import { boxOf, frameOf } from '../../whiteboard/hit-test.js';
import { isResizable } from '../../whiteboard/resize.js';
import { isTurnable, type Shape } from '../../whiteboard/shape.js';
import { turnAttrs } from '../../whiteboard/shape-svg.js';
import { WB } from './styles.js';

export interface SelectionLayerProps {
  /** The selected shapes, as drawn. */
  readonly shapes: readonly Shape[];
  readonly zoom: number;
  /** A colour or a CSS variable. */
  readonly accent: string;
  /** The select tool is in hand and the member may edit: the handles show. */
  readonly handles: boolean;
  /** The board y at the top of the view: a rotate handle that would sit above it goes below the selection. */
  readonly viewTop?: number;
}

/** Screen pixels between the top of the selection and the rotate handle. */
const ROTATE_REACH = 22;

/** [BOARD-41] The resize cursor along a turned box's diagonal: the corner's direction, to the nearest eighth of a turn. */
export function resizeCursor(rotation: number): string {
  const step = Math.round((((45 + rotation) % 180) + 180) % 180 / 45) % 4;
  return (['ew-resize', 'nwse-resize', 'ns-resize', 'nesw-resize'] as const)[step]!;
}

export function SelectionLayer({ shapes, zoom, accent, handles, viewTop = -Infinity }: SelectionLayerProps): ReactElement {
  const line = 1.5 / zoom;
  const only = shapes.length === 1 ? shapes[0] : undefined;
  // One turnable shape: the handle rides on its own top edge and turns with it; else above the box round them all.
  const frame = only && isTurnable(only.kind) ? only : undefined;
  const around = frame ? undefined : unionOf(shapes.map(boxOf));
  const reach = ROTATE_REACH / zoom;
  const knob = 6 / zoom;
  /** The handle's stalk from `edge` at `x`, away from the selection: up (-1) or down (1). */
  const rotateHandle = (x: number, edge: number, away: -1 | 1): ReactElement => (
    <g data-rotate-handle={away < 0 ? 'above' : 'below'} aria-hidden="true" className={`${WB}-rotate`}>
      <line x1={x} y1={edge} x2={x} y2={edge + away * reach} style={{ stroke: accent }} strokeWidth={line} pointerEvents="none" />
      <circle cx={x} cy={edge + away * reach} r={knob} fill="#fff" style={{ stroke: accent }} strokeWidth={line} />
    </g>
  );
  // Out of view above (a selection at the board's top edge): the handle could not be reached there.
  const hidden = (y: number): boolean => y - knob < viewTop;
  /** On one turnable shape's own top edge, turned with it; on its bottom edge when the top one's knob is out of view. */
  const turnableHandle = (s: Shape, b: { x: number; y: number; w: number; h: number }, pad: number): ReactElement => {
    const x = b.x + b.w / 2;
    const knobAt = turnPoint({ x, y: b.y - pad - reach }, centreOfBox(b), s.rotation ?? 0);
    return hidden(knobAt.y) ? rotateHandle(x, b.y + b.h + pad, 1) : rotateHandle(x, b.y - pad, -1);
  };
  // [BOARD-40] A group selected reads as one thing: a dashed box round all of it, its shapes' own outlines faint.
  const groups = new Map<string, Shape[]>();
  for (const s of shapes) if (s.group !== undefined) groups.set(s.group, [...(groups.get(s.group) ?? []), s]);
  const groupBoxes = [...groups].filter(([, members]) => members.length > 1);
  const inGroupBox = new Set(groupBoxes.flatMap(([, members]) => members.map((m) => m.id)));
  return (
    <g>
      {groupBoxes.map(([group, members]) => {
        const g = unionOf(members.map(boxOf))!;
        const pad = 8 / zoom + Math.max(...members.map((m) => m.width)) / 2;
        return (
          <rect key={`group-${group}`} data-group-outline={group} x={g.x - pad} y={g.y - pad} width={g.w + 2 * pad} height={g.h + 2 * pad} fill="none"
            style={{ stroke: accent }} strokeWidth={line} strokeDasharray={`${6 / zoom} ${4 / zoom}`} pointerEvents="none" />
        );
      })}
      {shapes.map((s) => {
        const b = frameOf(s); // a text round its characters: its own w and h are 0
        const pad = 4 + s.width / 2;
        const handle = handles && only === s && isResizable(s) ? 10 / zoom : 0;
        return (
          <g key={s.id} {...turnAttrs(s)}>
            <rect data-selected={s.id} x={b.x - pad} y={b.y - pad} width={b.w + 2 * pad} height={b.h + 2 * pad} fill="none"
              style={{ stroke: accent }} strokeWidth={line} strokeOpacity={inGroupBox.has(s.id) ? 0.45 : 1} pointerEvents="none" />
            {handle > 0 && (
              <rect data-resize-handle={s.id} aria-hidden="true" className={`${WB}-handle`} x={b.x + b.w + pad - handle / 2} y={b.y + b.h + pad - handle / 2}
                width={handle} height={handle} fill="#fff" style={{ stroke: accent, cursor: resizeCursor(s.rotation ?? 0) }} strokeWidth={line} />
            )}
            {handles && frame === s && turnableHandle(s, b, pad)}
          </g>
        );
      })}
      {handles && around && (hidden(around.y - 4 - reach) ? rotateHandle(around.x + around.w / 2, around.y + around.h + 4, 1) : rotateHandle(around.x + around.w / 2, around.y - 4, -1))}
    </g>
  );
}
