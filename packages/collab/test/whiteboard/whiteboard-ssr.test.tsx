// @vitest-environment node
// <Whiteboard> renders on the server (Next.js SSR) without a window: the toolbar and an empty,
// labelled surface; the board is made only in an effect, on the client (BOARD-13).
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { RoomMember } from '../../src/index.js';
import { UndoHistory } from '../../src/core/undo-history.js';
import { createBoard } from '../../src/whiteboard/index.js';
import { Whiteboard } from '../../src/react/whiteboard/index.js';

describe('<Whiteboard> on the server', () => {
  it('[BOARD-13] renders to a string with no window, scoped styles and the accessible toolbar, and leaves no listener behind', () => {
    expect(typeof (globalThis as { window?: unknown }).window).toBe('undefined');
    const member = new RoomMember({ send: () => undefined });
    const seed = createBoard(member);
    seed.add({ kind: 'rect', x: 0, y: 0, w: 10, h: 10 });
    seed.destroy();
    const room = { doc: member.doc, presence: member.presence, history: new UndoHistory(member.doc) };
    const html = renderToString(<Whiteboard room={room} />);
    expect(html).toContain('aria-label="Whiteboard"');
    for (const name of ['Pen', 'Rectangle', 'Ellipse', 'Line', 'Text', 'Select', 'Eraser', 'Undo', 'Redo', 'Export PNG', 'Export SVG']) {
      expect(html).toContain(`aria-label="${name}"`);
    }
    // Styles are scoped under the component's class prefix: no rule targets a bare element.
    const css = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    // A rule's selector, inside an @media block too (its only at-rule: the phone toolbar).
    const selectors = css
      .split('}')
      .map((rule) => rule.split('{'))
      .map((parts) => (parts[0]!.trim().startsWith('@media') ? parts[1]! : parts[0]!).trim())
      .filter(Boolean);
    expect(selectors.length).toBeGreaterThan(5);
    for (const selector of selectors) for (const part of selector.split(',')) expect(part.trim()).toMatch(/^\.kuiper-wb/);
    expect(member.doc.getMap('whiteboard')._dEH.l.length).toBe(0); // no Board (a deep observer) was made during render
  });
});
