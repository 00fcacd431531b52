/**
 * [DEMO-24] The Notes tab's text as plain lines, for the version history's preview: Tiptap keeps
 * the notes in the room's document as an XML fragment (`notes`) of blocks holding formatted text.
 */
import * as Y from 'yjs';

/** The room document's field the Notes tab's editor writes (Tiptap's `Collaboration` field). */
export const NOTES_FIELD = 'notes';

/** Each block's text, in order (a heading, a paragraph, a list item's paragraph…). */
export function notesText(doc: Y.Doc, field = NOTES_FIELD): string[] {
  const lines: string[] = [];
  const walk = (node: Y.XmlElement | Y.XmlFragment): void => {
    let text = '';
    for (const child of node.toArray()) {
      if (child instanceof Y.XmlText) text += child.toDelta().map((op: { insert?: unknown }) => (typeof op.insert === 'string' ? op.insert : '')).join('');
      else if (child instanceof Y.XmlElement) walk(child);
    }
    if (text.trim() !== '') lines.push(text);
  };
  walk(doc.getXmlFragment(field));
  return lines;
}
