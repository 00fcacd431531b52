/**
 * Keeps the keyboard on the board when a toolbar button it was on goes away: `Group` disables itself
 * once the selection is one group, `Delete` once nothing is selected, `Ungroup` disappears. The
 * browser then drops the focus to the page's body, where the board's keys (Ctrl+Z, Shift+., Delete…)
 * no longer reach it; a keyboard user had to find the board again. The focus goes to the surface.
 */
import { useEffect, useLayoutEffect, useRef, type RefObject } from 'react';

export function useFocusKeeper(root: RefObject<HTMLElement | null>, surface: RefObject<SVGSVGElement | null>): void {
  const last = useRef<HTMLButtonElement | null>(null);
  useEffect(() => {
    const el = root.current;
    if (!el) return;
    const onFocusIn = (e: FocusEvent): void => {
      last.current = e.target instanceof HTMLButtonElement ? e.target : null;
    };
    el.addEventListener('focusin', onFocusIn);
    return () => el.removeEventListener('focusin', onFocusIn);
  }, [root]);
  // Every render: the button may have been disabled or removed by this one.
  useLayoutEffect(() => {
    const button = last.current;
    if (!button || !(button.disabled || !button.isConnected)) return;
    const active = button.ownerDocument.activeElement;
    if (active === button || active === button.ownerDocument.body || active === null) {
      last.current = null;
      surface.current?.focus({ preventScroll: true });
    }
  });
}
