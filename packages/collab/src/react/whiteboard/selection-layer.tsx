/**
 * This member's selection on the board: an outline round each selected shape (turned with it,
 * BOARD-41), the resize handle at one selected shape's corner (BOARD-18), and the rotate handle
 * above the selection (BOARD-41). Both handles are for the select tool and a member who may edit.
 */
import type { ReactElement } from 'react';
import { unionOf } from '../../whiteboard/geometry.js';
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
}

/** Screen pixels between the top of the selection and the rotate handle. */
const ROTATE_REACH = 22;

/** [BOARD-41] The resize cursor along a turned box's diagonal: the corner's direction, to the nearest eighth of a turn. */
export function resizeCursor(rotation: number): string {
  const step = Math.round((((45 + rotation) % 180) + 180) % 180 / 45) % 4;
  return (['ew-resize', 'nwse-resize', 'ns-resize', 'nesw-resize'] as const)[step]!;
}

export function SelectionLayer({ shapes, zoom, accent, handles }: SelectionLayerProps): ReactElement {
  const line = 1.5 / zoom;
  const only = shapes.length === 1 ? shapes[0] : undefined;
  // One turnable shape: the handle rides on its own top edge and turns with it; else above the box round them all.
  const frame = only && isTurnable(only.kind) ? only : undefined;
  const around = frame ? undefined : unionOf(shapes.map(boxOf));
  const rotateHandle = (x: number, top: number): ReactElement => (
    <g data-rotate-handle="" aria-hidden="true" className={`${WB}-rotate`}>
      <line x1={x} y1={top} x2={x} y2={top - ROTATE_REACH / zoom} style={{ stroke: accent }} strokeWidth={line} pointerEvents="none" />
      <circle cx={x} cy={top - ROTATE_REACH / zoom} r={6 / zoom} fill="#fff" style={{ stroke: accent }} strokeWidth={line} />
    </g>
  );
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
            {handles && frame === s && rotateHandle(b.x + b.w / 2, b.y - pad)}
          </g>
        );
      })}
      {handles && around && rotateHandle(around.x + around.w / 2, around.y - 4)}
    </g>
  );
}
