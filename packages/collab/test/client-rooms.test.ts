// The index of the rooms each session has something in on a node (attach-collab, attach-chat): a
// session leaving costs its own rooms, not every room the node has.
import { describe, expect, it } from 'vitest';
import { ClientRooms } from '../src/server/client-rooms.js';

describe('ClientRooms', () => {
  it('gives a session its rooms once, forgets each it leaves, and keeps others apart', () => {
    const rooms = new ClientRooms();
    rooms.add('a', 'r1');
    rooms.add('a', 'r1');
    rooms.add('a', 'r2');
    rooms.add('b', 'r1');
    expect(rooms.leaving('a', 'r1')).toEqual(['r1']);
    expect(rooms.take('a')).toEqual(['r2']);
    expect(rooms.take('a')).toEqual([]);
    rooms.add('a', 'r3');
    rooms.add('a', 'r4');
    rooms.add('a', 'r5');
    rooms.remove('a', 'r4');
    rooms.remove('a', 'r9');
    expect(rooms.leaving('a', undefined).sort()).toEqual(['r3', 'r5']);
    expect(rooms.leaving('b', undefined)).toEqual(['r1']);
    expect(rooms.take('b')).toEqual([]);
  });

  it('a session left with one room of several keeps that one', () => {
    const rooms = new ClientRooms();
    rooms.add('a', 'r1');
    rooms.add('a', 'r2');
    rooms.remove('a', 'r1');
    rooms.add('a', 'r3');
    expect(rooms.take('a').sort()).toEqual(['r2', 'r3']);
  });

  it('tells whether a session has a room, forgets one once, and lists every room any session has', () => {
    const rooms = new ClientRooms();
    rooms.add('a', 'r1');
    rooms.add('a', 'r2');
    rooms.add('b', 'r2');
    rooms.add('c', 'r3');
    expect(rooms.has('a', 'r2')).toBe(true);
    expect(rooms.has('b', 'r1')).toBe(false);
    expect([...rooms.allRooms()].sort()).toEqual(['r1', 'r2', 'r3']);
    expect(rooms.remove('a', 'r1')).toBe(true);
    expect(rooms.remove('a', 'r1')).toBe(false);
    expect(rooms.remove('c', 'r3')).toBe(true);
    expect(rooms.remove('c', 'r3')).toBe(false);
    expect([...rooms.allRooms()].sort()).toEqual(['r2']);
  });
});
