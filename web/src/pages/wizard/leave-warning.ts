import { useEffect } from 'react';

/**
 * While `active`, leaving asks first: closing the tab, a reload or another address (the
 * browser's own question), and a click on any in-app link outside `inside` (the menu, the
 * header), which would otherwise drop the server details typed, as those are never stored.
 * The app's router has no blocking navigation, so the click is caught before it reaches React.
 * `onLeave` runs when the user chooses to go: what was typed is then dropped, as the question says.
 */
export function useLeaveWarning(active: boolean, question: string, inside: () => HTMLElement | null, onLeave: () => void): void {
  useEffect(() => {
    if (!active) return;
    const onUnload = (e: BeforeUnloadEvent) => { e.preventDefault(); e.returnValue = ''; };
    const onClick = (e: MouseEvent) => {
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      const link = (e.target as Element | null)?.closest?.('a[href]') as HTMLAnchorElement | null;
      if (!link || link.target === '_blank' || link.origin !== window.location.origin) return;
      if (inside()?.contains(link)) return;
      if (window.confirm(question)) { onLeave(); return; }
      e.preventDefault();
      e.stopPropagation();
    };
    window.addEventListener('beforeunload', onUnload);
    // Capture on the document runs before React's listener on its root: stopping here keeps the router out.
    document.addEventListener('click', onClick, true);
    return () => {
      window.removeEventListener('beforeunload', onUnload);
      document.removeEventListener('click', onClick, true);
    };
  }, [active, question, inside, onLeave]);
}
