import { describe, expect, it } from 'vitest';
import { diffText, type DiffPart } from './textDiff';

const side = (parts: DiffPart[], kind: 'added' | 'removed') => parts.filter((p) => p.kind !== kind).map((p) => p.text).join('');

describe('diffText', () => {
  it('shows a changed figure as one character struck out and one added', () => {
    expect(diffText('到街道办理，5 个工作日内领证。', '到街道办理，3 个工作日内领证。')).toEqual([
      { kind: 'same', text: '到街道办理，' },
      { kind: 'removed', text: '5' },
      { kind: 'added', text: '3' },
      { kind: 'same', text: ' 个工作日内领证。' },
    ]);
  });

  it('finds what is kept inside a rewritten middle', () => {
    expect(diffText('携带身份证、租房合同到街道办理', '携带身份证网上申请，到街道领取')).toEqual([
      { kind: 'same', text: '携带身份证' },
      { kind: 'removed', text: '、租房合同' },
      { kind: 'added', text: '网上申请，' },
      { kind: 'same', text: '到街道' },
      { kind: 'removed', text: '办理' },
      { kind: 'added', text: '领取' },
    ]);
  });

  it('handles unchanged, emptied and new texts', () => {
    expect(diffText('不变', '不变')).toEqual([{ kind: 'same', text: '不变' }]);
    expect(diffText('', '新写的')).toEqual([{ kind: 'added', text: '新写的' }]);
    expect(diffText('删掉了', '')).toEqual([{ kind: 'removed', text: '删掉了' }]);
    expect(diffText('', '')).toEqual([]);
  });

  it('never splits an emoji or other character outside the basic plane', () => {
    const parts = diffText('办理😀', '办理😂');
    expect(parts).toEqual([
      { kind: 'same', text: '办理' },
      { kind: 'removed', text: '😀' },
      { kind: 'added', text: '😂' },
    ]);
  });

  it('gives both texts back exactly, for random edits and for long texts compared by line', () => {
    let seed = 20261122;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const alphabet = '街道办理证件\n工作日5 3。';
    const text = (n: number) => Array.from({ length: n }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
    for (let round = 0; round < 200; round++) {
      const before = text(Math.floor(random() * 40));
      const after = text(Math.floor(random() * 40));
      const parts = diffText(before, after);
      expect(side(parts, 'added')).toBe(before);
      expect(side(parts, 'removed')).toBe(after);
    }
    // 3,000 × 3,000 characters that differ throughout is past the character table's size: lines are compared instead.
    const before = Array.from({ length: 100 }, (_, i) => `第${i}行${text(25)}\n`).join('');
    const after = Array.from({ length: 100 }, (_, i) => (i % 10 === 0 ? `第${i}行改过\n` : `第${i}行${text(25)}\n`)).join('');
    const parts = diffText(before, after);
    expect(side(parts, 'added')).toBe(before);
    expect(side(parts, 'removed')).toBe(after);
    expect(parts.some((p) => p.kind === 'same' && p.text.startsWith('第'))).toBe(true);
  });
});
