/**
 * What this member's gesture in progress shows only to them: the selection marquee (BOARD-32), and
 * while a line or an arrow is drawn, the shapes its ends are attaching to, outlined (BOARD-30), so
 * one sees where it will hold before letting go.
 */
import type { ReactElement } from 'react';
import { frameOf } from '../../whiteboard/hit-test.js';
import type { Shape } from '../../whiteboard/shape.js';
import { turnAttrs } from '../../whiteboard/shape-svg.js';
import type { Box } from './use-pointer-tools.js';

export interface GestureLayerProps {
  readonly marquee: Box | null;
  /** The connector being drawn, as the board draws it. */
  readonly connector: Shape | undefined;
  readonly shapesById: ReadonlyMap<string, Shape>;
  readonly zoom: number;
  /** A colour or a CSS variable: set as style, where var() works. */
  readonly accent: string;
}

export function GestureLayer({ marquee, connector, shapesById, zoom, accent }: GestureLayerProps): ReactElement {
  const ends = connector ? [connector.from, connector.to].flatMap((id) => (id === undefined ? [] : [shapesById.get(id)].filter((s): s is Shape => s !== undefined))) : [];
  const dash = `${4 / zoom} ${3 / zoom}`;
  return (
    <g pointerEvents="none">
      {ends.map((shape) => {
        const b = frameOf(shape); // [BOARD-41] turned with the shape
        const pad = 3 + shape.width / 2;
        return (
          <rect key={shape.id} data-attach-target={shape.id} {...turnAttrs(shape)} x={b.x - pad} y={b.y - pad} width={b.w + 2 * pad} height={b.h + 2 * pad} rx={4 / zoom}
            style={{ fill: 'none', stroke: accent }} strokeWidth={2 / zoom} />
        );
      })}
      {marquee && (
        <rect data-marquee="" x={Math.min(marquee.x, marquee.x + marquee.w)} y={Math.min(marquee.y, marquee.y + marquee.h)} width={Math.abs(marquee.w)} height={Math.abs(marquee.h)}
          style={{ fill: accent, stroke: accent }} fillOpacity={0.08} strokeWidth={1 / zoom} strokeDasharray={dash} />
      )}
    </g>
  );
}
