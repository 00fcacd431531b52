/**
 * This member's selection on the board: an outline round each selected shape (turned with it,
 * BOARD-41), the resize handle at one selected shape's corner (BOARD-18), and the rotate handle
 * above the selection, or below it when above is out of view (BOARD-41). Both handles are for the
 * select tool and a member who may edit.
 */
import type { ReactElement } from 'react';
import { type Box, centreOfBox, normalizeDegrees, type Point, turnPoint, unionOf } from '../../whiteboard/geometry.js';
import { boxOf, frameOf } from '../../whiteboard/hit-test.js';
import { isResizable } from '../../whiteboard/resize.js';
import { isTurnable, type Shape } from '../../whiteboard/shape.js';
import { turnAttrs } from '../../whiteboard/shape-svg.js';
import type { Turning } from './pointer-gesture.js';
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
  /** A turn under way: the handle stays on the box the turn began with, turned with it, and the angle shows. */
  readonly turning?: Turning | null;
}

/** Screen pixels between the top of the selection and the rotate handle. */
const ROTATE_REACH = 22;

/** [BOARD-41] The resize cursor along a turned box's diagonal: the corner's direction, to the nearest eighth of a turn. */
export function resizeCursor(rotation: number): string {
  const step = Math.round((((45 + rotation) % 180) + 180) % 180 / 45) % 4;
  return (['ew-resize', 'nwse-resize', 'ns-resize', 'nesw-resize'] as const)[step]!;
}

/** The rotate handle's stalk: from (x, edge), away from the selection (up -1, down 1), drawn turned `degrees` about `pivot`. */
interface HandlePlace {
  x: number;
  edge: number;
  away: -1 | 1;
  degrees: number;
  pivot: Point;
}

/**
 * [BOARD-41] Where the rotate handle goes: on one turnable shape's own top edge, turned with it;
 * else above the box round the selection, or while a turn is under way the box it began with,
 * turned as far (the box round the turning shapes changes, and a handle on it would leave the
 * pointer). Below instead when the knob above would be out of view (`hidden`), and mid-turn on the
 * side the turn began from.
 */
function handlePlace(frame: Shape | undefined, around: Box | undefined, turning: Turning | null, reach: number, hidden: (y: number) => boolean): HandlePlace | undefined {
  const box = frame ? frameOf(frame) : around;
  if (!box) return undefined;
  const pad = frame ? 4 + frame.width / 2 : 4;
  const pivot = frame || !turning ? centreOfBox(box) : turning.pivot;
  const degrees = frame ? (frame.rotation ?? 0) : (turning?.by ?? 0);
  const x = box.x + box.w / 2;
  // Mid-turn the side stays the one pressed: a knob that went into view must not leave the pointer.
  const below = turning ? turning.away > 0 : hidden(turnPoint({ x, y: box.y - pad - reach }, pivot, degrees).y);
  return below ? { x, edge: box.y + box.h + pad, away: 1, degrees, pivot } : { x, edge: box.y - pad, away: -1, degrees, pivot };
}

export function SelectionLayer({ shapes, zoom, accent, handles, viewTop = -Infinity, turning }: SelectionLayerProps): ReactElement {
  const line = 1.5 / zoom;
  const only = shapes.length === 1 ? shapes[0] : undefined;
  // One turnable shape: the handle rides on its own top edge and turns with it; else on the box round them all.
  const frame = only && isTurnable(only.kind) ? only : undefined;
  const around = frame ? undefined : (turning?.around ?? unionOf(shapes.map(boxOf)));
  const reach = ROTATE_REACH / zoom;
  const knob = 6 / zoom;
  // Out of view above (a selection at the board's top edge): the handle could not be reached there.
  const hidden = (y: number): boolean => y - knob < viewTop;
  const place = handles ? handlePlace(frame, around, turning ?? null, reach, hidden) : undefined;
  // While turning, the angle beside the knob: one turnable shape's own, else how far the turn has gone.
  const angle = turning ? Math.round(frame ? (frame.rotation ?? 0) : normalizeDegrees(turning.by)) : undefined;
  const knobAt = place && turnPoint({ x: place.x, y: place.edge + place.away * reach }, place.pivot, place.degrees);
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
          </g>
        );
      })}
      {place && (
        <g data-rotate-handle={place.away < 0 ? 'above' : 'below'} aria-hidden="true" className={`${WB}-rotate`}
          transform={place.degrees ? `rotate(${place.degrees} ${place.pivot.x} ${place.pivot.y})` : undefined}>
          <line x1={place.x} y1={place.edge} x2={place.x} y2={place.edge + place.away * reach} style={{ stroke: accent }} strokeWidth={line} pointerEvents="none" />
          <circle cx={place.x} cy={place.edge + place.away * reach} r={knob} fill="#fff" style={{ stroke: accent }} strokeWidth={line} />
        </g>
      )}
      {knobAt && angle !== undefined && (
        <text data-turn-angle="" x={knobAt.x + 2 * knob} y={knobAt.y} dominantBaseline="middle" fontSize={12 / zoom} style={{ fill: accent }} pointerEvents="none">{`${angle}°`}</text>
      )}
    </g>
  );
}
