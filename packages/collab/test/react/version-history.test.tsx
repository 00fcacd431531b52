// @vitest-environment jsdom
// <VersionHistory> between real members through a real server (REACT-18, COLLAB-50): a member
// names and saves the board, the board changes, the panel shows the saved board and brings it back
// for everyone; a viewer sees the versions and no button that would change anything.
import { fireEvent, within, type RenderResult } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { eventually } from '@kuiper/testkit';
import { BOARD_MAP, COMMENTS_MAP, createBoard, type Board, type Room } from '../../src/index.js';
import { useRoom, VersionHistory, type VersionHistoryProps } from '../../src/react/index.js';
import { startCollab } from '../integration/helpers.js';
import { mount } from './helpers.js';

const byUser = { policy: { canHandshake: (m: { ext?: Record<string, unknown> }) => ({ data: { user: m.ext?.['user'] ?? null } }) } };

/** `name` in `room` with the panel open; `entered` is the room the provider entered, once it has. */
function historian(url: string, room: string, name: string, readOnly = false, preview?: VersionHistoryProps['preview'], parts?: VersionHistoryProps['parts']): { view: RenderResult; entered: () => Room | undefined } {
  let entered: Room | undefined;
  function Panel() {
    const r = useRoom();
    entered = r ?? undefined;
    return r ? <VersionHistory room={r} readOnly={readOnly} {...(preview ? { preview } : {})} {...(parts ? { parts } : {})} /> : <p>entering</p>;
  }
  const versionsUrl = `${new URL(url).origin}/kuiper-versions`;
  const view = mount(url, <Panel />, { room, presence: { name }, client: { ext: { user: { id: `u-${name}`, name } } }, roomOptions: { versionsUrl } });
  return { view, entered: () => entered };
}

const scope = (view: RenderResult) => within(view.container);

async function boardOf(person: ReturnType<typeof historian>): Promise<{ room: Room; board: Board }> {
  const room = await eventually(() => person.entered() ?? Promise.reject(new Error('not entered')));
  await room.synced;
  return { room, board: createBoard(room) };
}

describe('<VersionHistory>', () => {
  it('[REACT-18] [COLLAB-50] a member saves the board with a name, sees it listed and pictured, and restores it for everyone after changes', async () => {
    const { url } = await startCollab({ versions: { everyMs: Infinity } }, byUser);
    const ada = historian(url, 'history-ui', 'Ada');
    const bob = historian(url, 'history-ui', 'Bob');
    const a = await boardOf(ada);
    const b = await boardOf(bob);
    await eventually(() => expect(scope(ada.view).getByText(/No versions yet/)).toBeTruthy());

    a.board.add({ kind: 'rect', x: 10, y: 10, w: 100, h: 60 });
    a.board.add({ kind: 'ellipse', x: 200, y: 10, w: 80, h: 80 });
    fireEvent.change(scope(ada.view).getByRole('textbox', { name: 'Version name' }), { target: { value: 'Two shapes' } });
    fireEvent.click(scope(ada.view).getByRole('button', { name: 'Save version' }));
    await eventually(() => expect(scope(ada.view).getByRole('status').textContent).toBe('Saved “Two shapes”'));
    const listed = scope(ada.view).getByRole('list', { name: 'Versions' });
    const item = within(listed).getByRole('button');
    expect(item.textContent).toMatch(/^Today \d\d:\d\d Two shapes \(Ada\)$/);
    expect(item.getAttribute('aria-pressed')).toBe('true');
    const picture = await eventually(() => scope(ada.view).getByRole('img'));
    expect(picture.getAttribute('alt')).toMatch(/^The board as it was Today \d\d:\d\d: 2 shapes$/);
    expect(decodeURIComponent(picture.getAttribute('src')!)).toContain('data-shape-kind="ellipse"');
    // [BOARD-39] Against the board now.
    const since = () => scope(ada.view).getByText(/^(Since then|The board is)/).textContent;
    expect(since()).toBe('The board is the same now.');

    // Bob empties the board; Ada brings the saved one back, and Bob sees it.
    b.board.remove(b.board.shapes().map((s) => s.id));
    await eventually(() => expect(a.board.shapes()).toHaveLength(0));
    await eventually(() => expect(since()).toBe('Since then: 2 shapes removed.'));
    fireEvent.click(scope(ada.view).getByRole('button', { name: 'Restore this version' }));
    await eventually(() => expect(scope(ada.view).getByRole('status').textContent).toMatch(/^Restored the version of Today \d\d:\d\d\. Undo takes it back/));
    expect(a.board.shapes().map((s) => s.kind)).toEqual(['rect', 'ellipse']);
    await eventually(() => expect(b.board.shapes().map((s) => s.kind)).toEqual(['rect', 'ellipse']));
    // The empty board it replaced is the newest version now, saved by Ada.
    const items = within(scope(ada.view).getByRole('list', { name: 'Versions' })).getAllByRole('button');
    expect(items.map((i) => i.textContent?.replace(/\d\d:\d\d/, 'hh:mm'))).toEqual(['Today hh:mm Saved by Ada', 'Today hh:mm Two shapes (Ada)']);
    // Bob's panel lists them too once it looks again (it lists on opening).
    const late = historian(url, 'history-ui', 'Cy');
    await eventually(() => expect(within(scope(late.view).getByRole('list', { name: 'Versions' })).getAllByRole('button')).toHaveLength(2));
  });

  it('[REACT-18] [COLLAB-51] Restore the board only brings back the version\'s shapes and leaves the title as it is now, for everyone', async () => {
    const { url } = await startCollab({ versions: { everyMs: Infinity } }, byUser);
    const parts = [{ label: 'the board', only: [BOARD_MAP, COMMENTS_MAP] }, { label: 'the title', only: ['title'] }];
    const ada = historian(url, 'history-part', 'Ada', false, undefined, parts);
    const bob = historian(url, 'history-part', 'Bob');
    const a = await boardOf(ada);
    const b = await boardOf(bob);
    a.board.add({ kind: 'rect', x: 10, y: 10, w: 100, h: 60 });
    a.room.doc.getText('title').insert(0, 'Draft');
    fireEvent.click(await eventually(() => scope(ada.view).getByRole('button', { name: 'Save version' })));
    await eventually(() => expect(scope(ada.view).getByRole('status').textContent).toBe('Version saved'));

    // Bob clears the board and names the plan; Ada wants the shapes back, not the old title.
    b.board.remove(b.board.shapes().map((s) => s.id));
    b.room.doc.getText('title').insert(5, ' two');
    await eventually(() => expect([a.board.shapes().length, a.room.doc.getText('title').toString()]).toEqual([0, 'Draft two']));
    expect(scope(bob.view).queryByRole('button', { name: 'Restore the board only' })).toBeNull(); // his panel has no parts
    fireEvent.click(scope(ada.view).getByRole('button', { name: 'Restore the board only' }));
    await eventually(() => expect(scope(ada.view).getByRole('status').textContent).toMatch(/^Restored the board of the version of Today \d\d:\d\d\. Undo takes it back/));
    await eventually(() => expect([b.board.shapes().map((s) => s.kind), b.room.doc.getText('title').toString()]).toEqual([['rect'], 'Draft two']));
  });

  it('[REACT-18] a viewer sees the versions and their pictures, with nothing to save or restore; a room without versionsUrl says so', async () => {
    const { url } = await startCollab({ versions: { everyMs: Infinity } }, byUser);
    const ada = historian(url, 'history-view', 'Ada');
    const a = await boardOf(ada);
    a.board.add({ kind: 'rect', x: 0, y: 0, w: 50, h: 50 });
    expect((await a.room.versions!.save('First')).ok).toBe(true);
    a.room.doc.getText('title').insert(0, 'Later title'); // after the version: not in its preview
    const vic = historian(url, 'history-view', 'Vic', true, (doc) => <p>Title: “{doc.getText('title').toString()}”</p>);
    const item = await eventually(() => within(scope(vic.view).getByRole('list', { name: 'Versions' })).getByRole('button'));
    fireEvent.click(item);
    await eventually(() => expect(scope(vic.view).getByRole('img').getAttribute('alt')).toMatch(/: 1 shape$/));
    expect(scope(vic.view).getByText('Title: “”')).toBeTruthy(); // the app's own preview, of the version's document
    expect(scope(vic.view).queryByRole('button', { name: 'Save version' })).toBeNull();
    expect(scope(vic.view).queryByRole('button', { name: 'Restore this version' })).toBeNull();

    function Plain() {
      const r = useRoom();
      return r ? <VersionHistory room={r} onClose={() => undefined} /> : null;
    }
    const plain = mount(url, <Plain />, { room: 'history-none' });
    await eventually(() => expect(scope(plain).getByText('Version history is not available here.')).toBeTruthy());
    expect(scope(plain).getByRole('button', { name: 'Close' })).toBeTruthy();
  });
});
