/**
 * The other members on the board (BOARD-11): each one's cursor with their name (glided between
 * presence updates, which arrive at most 20 times a second), their selection outlined in their
 * colour, the stroke they are drawing right now and their laser pointer's trail (BOARD-31).
 */
import { useEffect, useRef, type ReactElement } from 'react';
import type { Peer } from '../../whiteboard/board-presence.js';
import { liveStrokeSvg, turnAttrs } from '../../whiteboard/shape-svg.js';
import { frameOf } from '../../whiteboard/hit-test.js';
import type { Shape } from '../../whiteboard/shape.js';
import { SvgElement } from './svg-element.js';

/** Moves a cursor towards its latest reported position a little every frame, instead of jumping. */
function GlidingCursor({ peer, zoom }: { peer: Peer & { cursor: { x: number; y: number } }; zoom: number }): ReactElement {
  const ref = useRef<SVGGElement>(null);
  const shown = useRef({ x: peer.cursor.x, y: peer.cursor.y });
  const target = useRef(peer.cursor);
  target.current = peer.cursor;
  useEffect(() => {
    if (typeof requestAnimationFrame !== 'function') return;
    let frame = 0;
    const step = (): void => {
      const s = shown.current, t = target.current;
      // Exponential approach: smooth at 60 fps, and within a pixel of the target in ~150 ms.
      s.x += (t.x - s.x) * 0.35;
      s.y += (t.y - s.y) * 0.35;
      if (Math.abs(t.x - s.x) < 0.05 && Math.abs(t.y - s.y) < 0.05) Object.assign(s, t);
      ref.current?.setAttribute('transform', `translate(${s.x} ${s.y}) scale(${1 / zoom})`);
      frame = requestAnimationFrame(step);
    };
    frame = requestAnimationFrame(step);
    return () => cancelAnimationFrame(frame);
  }, [zoom]);
  const { x, y } = shown.current;
  return (
    <g ref={ref} data-cursor={peer.connection} transform={`translate(${x} ${y}) scale(${1 / zoom})`} pointerEvents="none">
      <path d="M0 0L0 16L4.5 12L7.5 19L10 18L7 11L12.5 11Z" fill={peer.color} stroke="#ffffff" strokeWidth={1} />
      <g transform="translate(12 20)">
        <rect x={0} y={0} rx={4} width={Math.max(24, peer.name.length * 7 + 10)} height={18} fill={peer.color} />
        <text x={5} y={13} fontSize={12} fill="#ffffff" fontFamily="system-ui, sans-serif">{peer.name}</text>
      </g>
    </g>
  );
}

/**
 * [BOARD-31] A laser pointer's trail: the newest end bright and wide with a dot, the oldest faint and
 * thin, so it reads as fading; as wide on screen at any zoom.
 */
export function LaserTrail({ points, color, zoom, owner }: { points: readonly number[]; color: string; zoom: number; owner: string }): ReactElement | null {
  const n = points.length / 2;
  if (n < 1) return null;
  const at = (i: number): [number, number] => [points[2 * i]!, points[2 * i + 1]!];
  const [hx, hy] = at(n - 1);
  return (
    <g data-laser={owner} pointerEvents="none" strokeLinecap="round">
      {Array.from({ length: n - 1 }, (_, i) => {
        const [x1, y1] = at(i), [x2, y2] = at(i + 1);
        const age = (i + 1) / (n - 1);
        return <line key={i} x1={x1} y1={y1} x2={x2} y2={y2} stroke={color} strokeOpacity={age} strokeWidth={(1 + 4 * age) / zoom} />;
      })}
      <circle cx={hx} cy={hy} r={6 / zoom} fill={color} stroke="#ffffff" strokeWidth={2 / zoom} />
    </g>
  );
}

export function PeersLayer({ peers, shapesById, zoom }: { peers: readonly Peer[]; shapesById: ReadonlyMap<string, Shape>; zoom: number }): ReactElement {
  return (
    <g aria-hidden="true">
      {peers.map((peer) => (
        <g key={peer.connection} data-peer={peer.connection}>
          {peer.selection.map((id) => {
            const shape = shapesById.get(id);
            if (!shape) return null;
            const b = frameOf(shape);
            const pad = 4 + shape.width / 2;
            return (
              <rect key={id} data-peer-selection={id} {...turnAttrs(shape)} x={b.x - pad} y={b.y - pad} width={b.w + 2 * pad} height={b.h + 2 * pad}
                fill="none" stroke={peer.color} strokeWidth={1.5 / zoom} strokeDasharray={`${4 / zoom} ${3 / zoom}`} pointerEvents="none" />
            );
          })}
          {peer.stroke && <SvgElement node={liveStrokeSvg(peer.stroke, peer.connection)} />}
          <LaserTrail points={peer.laser} color={peer.color} zoom={zoom} owner={peer.connection} />
        </g>
      ))}
      {peers.map((peer) => (peer.cursor ? <GlidingCursor key={`c-${peer.connection}`} peer={{ ...peer, cursor: peer.cursor }} zoom={zoom} /> : null))}
    </g>
  );
}
