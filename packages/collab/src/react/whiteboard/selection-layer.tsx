/**
 * This member's selection on the board: an outline round each selected shape (turned with it,
 * BOARD-41), the resize handle at one selected shape's corner (BOARD-18), and the rotate handle
 * above the selection (BOARD-41). Both handles are for the select tool and a member who may edit.
 */
import type { ReactElement } from 'react';
import { unionOf } from '../../whiteboard/geometry.js';
import { boxOf } from '../../whiteboard/hit-test.js';
import { isResizable } from '../../whiteboard/resize.js';
import { isTurnable, uprightBox, type Shape } from '../../whiteboard/shape.js';
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
  return (
    <g>
      {shapes.map((s) => {
        const b = uprightBox(s);
        const pad = 4 + s.width / 2;
        const handle = handles && only === s && isResizable(s) ? 10 / zoom : 0;
        return (
          <g key={s.id} {...turnAttrs(s)}>
            <rect data-selected={s.id} x={b.x - pad} y={b.y - pad} width={b.w + 2 * pad} height={b.h + 2 * pad} fill="none"
              style={{ stroke: accent }} strokeWidth={line} pointerEvents="none" />
            {handle > 0 && (
              <rect data-resize-handle={s.id} aria-hidden="true" className={`${WB}-handle`} x={b.x + b.w + pad - handle / 2} y={b.y + b.h + pad - handle / 2}
                width={handle} height={handle} fill="#fff" style={{ stroke: accent }} strokeWidth={line} />
            )}
            {handles && frame === s && rotateHandle(b.x + b.w / 2, b.y - pad)}
          </g>
        );
      })}
      {handles && around && rotateHandle(around.x + around.w / 2, around.y - 4)}
    </g>
  );
}
