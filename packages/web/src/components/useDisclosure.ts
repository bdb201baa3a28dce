import { useCallback, useEffect, useRef, useState } from 'react';
import { useLocation } from '../router';

/**
 * A disclosure (a button that shows and hides a panel) that behaves like a menu people know: it closes on Escape
 * (focus goes back to its button), on a click outside it, when a link in it is chosen and when the page changes.
 * Not when focus moves elsewhere: pages move focus themselves (to a status or an alert), which must not snap an
 * open menu shut under the person using it.
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
    document.addEventListener('keydown', escape);
    return () => {
      document.removeEventListener('pointerdown', outside);
      document.removeEventListener('keydown', escape);
    };
  }, [open, setOpen]);

  const toggle = useCallback(() => {
    setOpen(!open);
  }, [open, setOpen]);
  /** For the panel's onClick: choosing a link closes it, even a link to the page already open. */
  const closeOnLink = useCallback(
    (e: React.MouseEvent) => {
      if (e.target instanceof Element && e.target.closest('a[href]')) setOpen(false);
    },
    [setOpen],
  );
  return { open, toggle, closeOnLink, root, button };
}
