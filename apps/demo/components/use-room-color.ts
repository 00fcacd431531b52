'use client';
/** This page's colour in the room (room-colors.ts), sent in presence whenever it changes. */
import { useEffect, useState } from 'react';
import { useOthers, useUpdateMyPresence, shallowEqual } from '@kuiper/collab/react';
import { roomColor, type Wearer } from './room-colors';

/** The others who wear a colour, from their presence (`userId`, `since`, `color`). */
function wearers(others: readonly { state: Record<string, unknown> }[]): Wearer[] {
  const out: Wearer[] = [];
  for (const { state } of others) {
    const { userId, since, color } = state;
    if (typeof userId === 'string' && typeof since === 'number' && typeof color === 'string') out.push({ userId, since, color });
  }
  return out;
}

export function useRoomColor(me: { userId: string; since: number; color: string }): string {
  const [color, setColor] = useState(me.color);
  const others = useOthers(wearers, shallowWearers);
  const update = useUpdateMyPresence();
  const next = roomColor({ ...me, color }, others);
  useEffect(() => {
    if (next === color) return;
    setColor(next);
    update({ color: next });
  }, [next, color, update]);
  return next;
}

const shallowWearers = (a: Wearer[], b: Wearer[]): boolean => a.length === b.length && a.every((w, i) => shallowEqual(w, b[i]));
