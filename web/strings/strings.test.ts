import { describe, expect, it } from 'vitest';
import { de } from './de.js';
import { en } from './en.js';
import { SHIPPED_LANGUAGES, stringsFor } from './strings.js';

/** Entries that are the same word in both languages, on purpose. */
const SAME_IN_GERMAN = new Set(['details', 'chat', 'announceAnswer']);

describe('stringsFor', () => {
  it('reads the primary subtag, case-insensitive, and falls back to English for what we do not ship', () => {
    expect(stringsFor('de')).toBe(de);
    expect(stringsFor('de-AT')).toBe(de);
    expect(stringsFor('DE_ch')).toBe(de);
    expect(stringsFor('fr')).toBe(en);
    expect(stringsFor('')).toBe(en);
    expect(stringsFor(undefined)).toBe(en);
  });

  it("a site owner's entries replace single ones and keep the rest (error words merged, not replaced)", () => {
    const t = stringsFor('de', { send: 'Ab geht’s', errors: { edge_error: 'Kaputt.' } });
    expect(t.send).toBe('Ab geht’s');
    expect(t.stop).toBe(de.stop);
    expect(t.errors.edge_error).toBe('Kaputt.');
    expect(t.errors.edge_unreachable).toBe(de.errors.edge_unreachable);
    expect(de.send).toBe('Senden'); // the shipped table is untouched
  });
});

describe('every shipped table', () => {
  it.each(Object.entries(SHIPPED_LANGUAGES))(
    '%s has every entry of the English table, of the same kind, none empty',
    (_, t) => {
      for (const [key, value] of Object.entries(en)) {
        const theirs = (t as Record<string, unknown>)[key];
        expect(typeof theirs, key).toBe(typeof value);
        if (typeof theirs === 'string') expect(theirs.trim(), key).not.toBe('');
      }
      expect(Object.keys(t.errors).sort()).toEqual(Object.keys(en.errors).sort());
    },
  );

  it('German is translated: no entry is the English one, but for words that are the same', () => {
    for (const [key, value] of Object.entries(en)) {
      if (SAME_IN_GERMAN.has(key) || typeof value !== 'string') continue;
      expect((de as Record<string, unknown>)[key], key).not.toBe(value);
    }
    for (const code of Object.keys(en.errors)) expect(de.errors[code], code).not.toBe(en.errors[code]);
    expect(de.droppedNote(1)).not.toBe(de.droppedNote(3)); // singular and plural
  });

  // The promise's words carry the figures of the math in every language (promise.test.ts holds the English to it).
  it.each(Object.entries(SHIPPED_LANGUAGES))(
    '%s: the selective promise names α and 1 − δ; the marginal one has no δ',
    (_, t) => {
      const selective = t.promise({ guarantee: 'selective', delta: 0.1, labelsModel: 'm' });
      expect(selective.option(0.05)).toMatch(/\b5 ?%/);
      expect(selective.statement(0.05)).toMatch(/\b5 ?%/);
      expect(selective.statement(0.05)).toMatch(/\b90 ?%/);
      const marginal = t.promise({ guarantee: 'marginal', delta: null, labelsModel: 'm' });
      expect(marginal.statement(0.05)).toMatch(/\b5 ?%/);
      expect(marginal.statement(0.05)).not.toMatch(/90/);
      expect(marginal.label).not.toBe(selective.label); // the visitor reads which share is promised
    },
  );
});
