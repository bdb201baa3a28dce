import type { Locator } from 'playwright-core';

/**
 * The WCAG 2 contrast ratio between an element's text colour and the background it is drawn on (the nearest
 * ancestor-or-self with an opaque background colour). Text needs 4.5 : 1 (WCAG 1.4.3).
 */
export async function contrastOf(locator: Locator): Promise<number> {
  return locator.evaluate((el) => {
    const rgb = (css: string) => (css.match(/[\d.]+/g) ?? []).map(Number);
    const luminance = ([r = 0, g = 0, b = 0]: number[]) => {
      const channel = (c: number) => {
        const s = c / 255;
        return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    };
    let node: Element | null = el;
    let background = [255, 255, 255];
    while (node) {
      const [r, g, b, a = 1] = rgb(getComputedStyle(node).backgroundColor);
      if (a > 0.9) {
        background = [r!, g!, b!];
        break;
      }
      node = node.parentElement;
    }
    const fg = luminance(rgb(getComputedStyle(el).color));
    const bg = luminance(background);
    return (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
  });
}
