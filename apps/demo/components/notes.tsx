'use client';
/**
 * [DEMO-22] The room's shared notes: a rich-text editor (Tiptap, the editor Hocuspocus users reach
 * for) on the room's own Y.Doc, with everyone's caret and selection in their colour. Kuiper's part is
 * two lines: the document is `room.doc` (field `notes`, beside the board's shapes) and the carets go
 * through `useAwareness()`, a y-protocols Awareness over the room's presence (REACT-16). Tiptap's
 * own undo history (Ctrl+Z in the notes) is per user, as the board's is.
 */
import { useEffect } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import { EditorContent, useEditor, useEditorState, type Editor } from '@tiptap/react';
import StarterKit from '@tiptap/starter-kit';
import Collaboration from '@tiptap/extension-collaboration';
import CollaborationCaret from '@tiptap/extension-collaboration-caret';
import { Placeholder } from '@tiptap/extensions';
import { useAwareness, useRoom } from '@kuiper/collab/react';
import { NOTES_FIELD } from './notes-text';

export interface NotesProps {
  name: string;
  color: string;
  /** A view-only visitor (DEMO-21): reads along, carets and all, and types nothing. */
  readOnly: boolean;
  style?: React.CSSProperties;
}

export function Notes({ name, color, readOnly, style }: NotesProps) {
  const room = useRoom();
  const awareness = useAwareness();
  if (!room || !awareness) return <section className="notes" aria-label="Notes" style={style}><p className="notes-loading">Loading notes…</p></section>;
  // A new editor per awareness: the caret plugin holds the one it was made with.
  return <NotesEditor key={awareness.clientID} doc={room.doc} awareness={awareness} name={name} color={color} readOnly={readOnly} style={style} />;
}

function NotesEditor({ doc, awareness, name, color, readOnly, style }: NotesProps & { doc: Y.Doc; awareness: Awareness }) {
  const editor = useEditor(
    {
      immediatelyRender: false, // rendered on the server as the empty section; the editor starts in the browser
      editable: !readOnly,
      extensions: [
        StarterKit.configure({ undoRedo: false }), // Collaboration brings the per-user undo of the shared document
        Collaboration.configure({ document: doc, field: NOTES_FIELD }),
        CollaborationCaret.configure({ provider: { awareness }, user: { name, color } }),
        // An empty pane says what it is for, and to a viewer that nothing is written yet.
        Placeholder.configure({ placeholder: readOnly ? NO_NOTES : WRITE_NOTES, showOnlyWhenEditable: false }),
      ],
      editorProps: { attributes: { 'aria-label': 'Notes', class: 'notes-text' } },
    },
    [doc, awareness, readOnly],
  );
  // The room may settle this member's colour after the editor is made (two people wanting one colour, DEMO-11).
  useEffect(() => void editor?.commands.updateUser({ name, color }), [editor, name, color]);
  return (
    <section className="notes" aria-label="Notes" style={style}>
      {!readOnly && <NotesToolbar editor={editor} />}
      <EditorContent editor={editor} className="notes-body" />
    </section>
  );
}

export const WRITE_NOTES = 'Write notes for everyone in the room…';
export const NO_NOTES = 'No notes yet';

/** The marks and blocks the toolbar toggles, each shown pressed while the caret is in one. */
const FORMATS = [
  { label: 'Heading', content: 'Heading', active: (e: Editor) => e.isActive('heading', { level: 2 }), toggle: (e: Editor) => e.chain().focus().toggleHeading({ level: 2 }).run() },
  { label: 'Bold', content: <b>B</b>, active: (e: Editor) => e.isActive('bold'), toggle: (e: Editor) => e.chain().focus().toggleBold().run() },
  { label: 'Italic', content: <i>I</i>, active: (e: Editor) => e.isActive('italic'), toggle: (e: Editor) => e.chain().focus().toggleItalic().run() },
  { label: 'Bulleted list', content: '• List', active: (e: Editor) => e.isActive('bulletList'), toggle: (e: Editor) => e.chain().focus().toggleBulletList().run() },
] as const;

function NotesToolbar({ editor }: { editor: Editor | null }) {
  // Re-rendered only when what is pressed changes, not on every keystroke (Tiptap 3's way to read editor state).
  const pressed = useEditorState({ editor, selector: ({ editor: e }) => (e ? FORMATS.map((f) => f.active(e)) : FORMATS.map(() => false)) });
  return (
    <div className="notes-toolbar" role="toolbar" aria-label="Text">
      {FORMATS.map((f, i) => (
        <button key={f.label} type="button" aria-label={f.label} aria-pressed={pressed?.[i] ?? false} onClick={() => editor && f.toggle(editor)}>
          {f.content}
        </button>
      ))}
    </div>
  );
}
