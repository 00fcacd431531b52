// [DEMO-24] The notes' text for the version history's preview, read from a real Yjs XML fragment
// shaped as Tiptap writes it (blocks of formatted text, a list's items holding paragraphs).
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { notesText } from '../components/notes-text.js';

function block(name: string, ...children: Array<Y.XmlText | Y.XmlElement>): Y.XmlElement {
  const element = new Y.XmlElement(name);
  element.insert(0, children);
  return element;
}

describe('[DEMO-24] notesText', () => {
  it('gives each block\'s text in order, formatting dropped, empty blocks skipped', () => {
    const doc = new Y.Doc();
    const heading = new Y.XmlText();
    const body = new Y.XmlText();
    const item = new Y.XmlText();
    doc.getXmlFragment('notes').insert(0, [block('heading', heading), block('paragraph', body), block('paragraph'), block('bulletList', block('listItem', block('paragraph', item)))]);
    heading.insert(0, 'Plan');
    body.insert(0, 'Ship on ');
    body.insert(8, 'Friday', { bold: true });
    item.insert(0, 'budget');
    expect(notesText(doc)).toEqual(['Plan', 'Ship on Friday', 'budget']);
    expect(notesText(new Y.Doc())).toEqual([]);
  });
});
