import { useEffect } from 'react';

/** Sets the tab's title to "`title` · Porchlight" while the page is shown. */
export function usePageTitle(title: string): void {
  useEffect(() => {
    const before = document.title;
    document.title = `${title} · Porchlight`;
    return () => {
      document.title = before;
    };
  }, [title]);
}
