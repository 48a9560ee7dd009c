import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_PIECE, textPieces } from '../../../src/proxy/tokens/text-pieces';

const cut = (text: string) => [...textPieces(text)];

test('text is cut into pieces of at most MAX_PIECE characters that join back into it', () => {
  const texts = ['', 'short', 'word '.repeat(1000), 'a'.repeat(2500), ' '.repeat(3001), '漢字'.repeat(1200), '😀'.repeat(1500), `${'x'.repeat(999)}😀${'y'.repeat(1500)}`];
  for (const text of texts) {
    const pieces = cut(text);
    assert.equal(pieces.join(''), text);
    assert.ok(pieces.every((piece) => piece.length > 0 && piece.length <= MAX_PIECE), `${text.slice(0, 10)}: ${pieces.map((p) => p.length).join(',')}`);
  }
  assert.deepEqual(cut('short'), ['short']);
  assert.deepEqual(cut(''), []);
});

test('pieces are cut before a space between two words, else at the limit but never inside a surrogate pair', () => {
  for (const piece of cut('word '.repeat(1000)).slice(1)) assert.match(piece, /^ word/);
  const emoji = cut('😀'.repeat(1500));
  assert.ok(emoji.every((piece) => !/[\ud800-\udbff]$/.test(piece) && !/^[\udc00-\udfff]/.test(piece)));
  assert.deepEqual(cut('a'.repeat(2500)).map((piece) => piece.length), [1000, 1000, 500]);
  // A space inside a run of spaces is no word boundary: cut at the limit.
  assert.deepEqual(cut(`${'a '.repeat(100)}${' '.repeat(2000)}`).map((piece) => piece.length), [1000, 1000, 200]);
});
