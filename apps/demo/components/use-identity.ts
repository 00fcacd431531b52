'use client';
/**
 * The visitor's display name, asked once and remembered in localStorage; `?name=` in the URL sets
 * it too. The id is random per browser, so two tabs of one person are one user.
 */
import { useCallback, useEffect, useState } from 'react';

export interface Identity {
  readonly id: string;
  readonly name: string;
}

const NAME_KEY = 'kuiper-demo:name';
const ID_KEY = 'kuiper-demo:user-id';
export const MAX_NAME = 40;

function userId(): string {
  let id = localStorage.getItem(ID_KEY);
  if (!id) {
    id = crypto.randomUUID().replaceAll('-', '');
    localStorage.setItem(ID_KEY, id);
  }
  return id;
}

/** `identity` is undefined until a name is known; `loaded` is false until localStorage was read. */
export function useIdentity(): { identity: Identity | undefined; loaded: boolean; setName(name: string): void } {
  const [identity, setIdentity] = useState<Identity>();
  const [loaded, setLoaded] = useState(false);
  useEffect(() => {
    const fromUrl = new URLSearchParams(window.location.search).get('name')?.trim();
    if (fromUrl) localStorage.setItem(NAME_KEY, fromUrl.slice(0, MAX_NAME));
    const name = localStorage.getItem(NAME_KEY);
    if (name) setIdentity({ id: userId(), name });
    setLoaded(true);
  }, []);
  const setName = useCallback((name: string) => {
    const trimmed = name.trim().slice(0, MAX_NAME);
    if (!trimmed) return;
    localStorage.setItem(NAME_KEY, trimmed);
    setIdentity({ id: userId(), name: trimmed });
  }, []);
  return { identity, loaded, setName };
}
