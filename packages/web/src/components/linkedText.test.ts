import { describe, expect, it } from 'vitest';
import { linkParts } from './linkedText';

describe('links in a neighbour’s text', () => {
  it('makes web and email addresses links and keeps every other character as it was', () => {
    const text =
      'Lost keys: see https://example.org/keys?id=4, or www.example.net. Mail me at ann@example.com!';
    const parts = linkParts(text);
    expect(parts).toEqual([
      { text: 'Lost keys: see ' },
      { text: 'https://example.org/keys?id=4', href: 'https://example.org/keys?id=4' },
      { text: ', or ' },
      { text: 'www.example.net', href: 'http://www.example.net' },
      { text: '. Mail me at ' },
      { text: 'ann@example.com', href: 'mailto:ann@example.com' },
      { text: '!' },
    ]);
    expect(parts.map((p) => p.text).join('')).toBe(text);
  });

  it('never links a script, data or file address', () => {
    for (const text of [
      'javascript:alert(document.cookie)',
      'data:text/html,<script>alert(1)</script>',
      'file:///etc/passwd',
      'click javascript://example.com/%0Aalert(1)',
    ]) {
      const parts = linkParts(text);
      expect(parts.filter((p) => 'href' in p && !/^(https?|mailto):/.test(p.href))).toEqual([]);
      expect(parts.map((p) => p.text).join('')).toBe(text);
    }
  });

  it('leaves text without addresses as one plain run, and empty text as nothing', () => {
    expect(linkParts('A white van idled on Alder St for an hour.')).toEqual([
      { text: 'A white van idled on Alder St for an hour.' },
    ]);
    expect(linkParts('')).toEqual([]);
  });
});
