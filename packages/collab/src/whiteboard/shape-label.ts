/**
 * What a shape is called to someone who cannot see the board: the name of each shape in the
 * `<Whiteboard>`'s list for screen readers, and of the shapes a connector joins (BOARD-30).
 */
import type { Shape } from './shape.js';

const NAMES = { pen: 'Freehand stroke', rect: 'Rectangle', ellipse: 'Ellipse', line: 'Line', arrow: 'Arrow', text: 'Text', image: 'Image', note: 'Sticky note' } as const;

/** A shape's name, with the start of its text for a text or a sticky note. */
export function shapeName(shape: Shape): string {
  return shape.kind === 'text' || shape.kind === 'note' ? `${NAMES[shape.kind]}: ${shape.text.slice(0, 80)}` : NAMES[shape.kind];
}

/** A shape's name, and for a connector the names of the shapes it joins: "Arrow from Rectangle to Sticky note: Plan". */
export function shapeLabel(shape: Shape, shapeOf: (id: string) => Shape | undefined): string {
  const end = (id: string | undefined): Shape | undefined => (id === undefined ? undefined : shapeOf(id));
  const from = end(shape.from), to = end(shape.to);
  const name = [shapeName(shape), from && `from ${shapeName(from)}`, to && `to ${shapeName(to)}`].filter(Boolean).join(' ');
  // [BOARD-35] why pressing it does nothing; [BOARD-40] why pressing it picks others too; [BOARD-41] how it stands.
  const notes = [shape.locked && 'locked', shape.group !== undefined && 'grouped', shape.rotation !== undefined && `turned ${Math.round(shape.rotation)}°`].filter(Boolean);
  return notes.length > 0 ? `${name} (${notes.join(', ')})` : name;
}
