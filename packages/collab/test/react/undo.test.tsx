// @vitest-environment jsdom
// [REACT-10] useUndo over a real room: only this user's edits, buttons that follow canUndo/canRedo.
import { act, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { eventually } from '@kuiper/testkit';
import { useDocument, useUndo, useYjs } from '../../src/react/index.js';
import { member, startCollab, text } from '../integration/helpers.js';
import { mount } from './helpers.js';

describe('useUndo', () => {
  it('[REACT-10] undoes and redoes this member\'s own edit, never another member\'s; the flags re-render', async () => {
    const { url } = await startCollab();
    let renders = 0;
    let api: ReturnType<typeof useUndo> | undefined;
    function Editor() {
      api = useUndo();
      const doc = useDocument();
      const value = useYjs(doc?.getText('t'));
      renders++;
      return <p>{`text "${value ?? ''}" undo ${api.canUndo ? 'on' : 'off'} redo ${api.canRedo ? 'on' : 'off'}`}</p>;
    }
    let doc: import('yjs').Doc | null = null;
    function Grab() {
      doc = useDocument();
      return null;
    }
    mount(url, <><Editor /><Grab /></>, { room: 'undo' });
    await eventually(() => expect(doc).not.toBeNull());
    const bob = member(url, 'undo').room;
    await bob.synced;
    bob.doc.getText('t').insert(0, 'bob ');
    await eventually(() => expect(screen.getByText('text "bob " undo off redo off')).toBeTruthy()); // a remote edit is not ours to undo

    act(() => void doc!.getText('t').insert(4, 'ada'));
    expect(screen.getByText('text "bob ada" undo on redo off')).toBeTruthy();
    act(() => void api!.undo());
    expect(screen.getByText('text "bob " undo off redo on')).toBeTruthy();
    await eventually(() => expect(text(bob)).toBe('bob '));
    act(() => void api!.redo());
    expect(screen.getByText('text "bob ada" undo on redo off')).toBeTruthy();
    const before = renders;
    act(() => void doc!.getText('t').insert(7, '!')); // the flags do not change: one render, for the text
    expect(renders).toBe(before + 1);
  });
});
