// [DEMO-28] The rooms a browser visited, as the lobby lists them again: newest first, each once, at
// most MAX_RECENT, the view-only mark kept, and whatever cannot be read taken for nothing.
import { describe, expect, it } from 'vitest';
import { MAX_RECENT, readRecentRooms, rememberRoom } from '../components/recent-rooms.js';

function memoryStorage(): Pick<Storage, 'getItem' | 'setItem'> {
  const items = new Map<string, string>();
  return { getItem: (k) => items.get(k) ?? null, setItem: (k, v) => void items.set(k, v) };
}

describe('[DEMO-28] recent rooms', () => {
  it('lists the rooms visited newest first, each once, with the view-only mark of its last visit', () => {
    const storage = memoryStorage();
    rememberRoom(storage, 'plan', false, 1);
    rememberRoom(storage, 'retro', true, 2);
    rememberRoom(storage, 'plan', false, 3);
    expect(readRecentRooms(storage)).toEqual([{ id: 'plan', view: false, at: 3 }, { id: 'retro', view: true, at: 2 }]);
    rememberRoom(storage, 'retro', false, 4); // visited again with an editor's link
    expect(readRecentRooms(storage)[0]).toEqual({ id: 'retro', view: false, at: 4 });
  });

  it(`keeps the newest ${MAX_RECENT}`, () => {
    const storage = memoryStorage();
    for (let i = 0; i < MAX_RECENT + 3; i++) rememberRoom(storage, `room-${i}`, false, i);
    const ids = readRecentRooms(storage).map((r) => r.id);
    expect(ids).toHaveLength(MAX_RECENT);
    expect(ids[0]).toBe(`room-${MAX_RECENT + 2}`);
    expect(ids).not.toContain('room-2');
  });

  it('a storage that refuses the write (full, private) loses the entry, not the page', () => {
    const full = { getItem: () => null, setItem: () => { throw new DOMException('quota', 'QuotaExceededError'); } };
    expect(() => rememberRoom(full, 'plan', false, 1)).not.toThrow();
  });

  it('takes what it cannot read for nothing, and remembers again over it', () => {
    for (const stored of ['not json', '{"id":"x"}', '[{"id":1,"view":false,"at":0}]', 'null']) {
      const storage = memoryStorage();
      storage.setItem('kuiper-demo:recent-rooms', stored);
      expect(readRecentRooms(storage), stored).toEqual([]);
      rememberRoom(storage, 'plan', false, 5);
      expect(readRecentRooms(storage)).toEqual([{ id: 'plan', view: false, at: 5 }]);
    }
  });
});
