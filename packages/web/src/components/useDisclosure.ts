import { useCallback, useEffect, useRef, useState } from 'react';
import { useLocation } from '../router';

/**
 * A disclosure (a button that shows and hides a panel) that behaves like a menu people know: it closes on Escape
 * (focus goes back to its button), on a click or focus outside it, and when the page changes.
 */
export function useDisclosure<T extends HTMLElement>() {
  const { path } = useLocation();
  // The page it was opened on: going to another page closes it without an effect.
  const [openOn, setOpenOn] = useState<string | null>(null);
  const open = openOn === path;
  const setOpen = useCallback(
    (value: boolean) => {
      setOpenOn(value ? path : null);
    },
    [path],
  );
  const root = useRef<T>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const outside = (e: Event) => {
      if (root.current && e.target instanceof Node && !root.current.contains(e.target)) setOpen(false);
    };
    const escape = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener('pointerdown', outside);
    document.addEventListener('focusin', outside);
    document.addEventListener('keydown', escape);
    return () => {
      document.removeEventListener('pointerdown', outside);
      document.removeEventListener('focusin', outside);
      document.removeEventListener('keydown', escape);
    };
  }, [open, setOpen]);

  const toggle = useCallback(() => {
    setOpen(!open);
  }, [open, setOpen]);
  return { open, toggle, root, button };
}
