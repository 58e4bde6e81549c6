import { describe, expect, it } from 'vitest';
import { buildTree, descendantsOf, parentKeys } from './tree';

const row = (id: string, parentId: string | null = null) => ({ id, parentId, name: id });

describe('buildTree', () => {
  it('nests rows under their parents: centre → district government → street office', () => {
    const tree = buildTree([row('donghu-office', 'chengdong-gov'), row('centre'), row('chengdong-gov', 'centre')]);
    expect(tree.map((n) => n.id)).toEqual(['centre']);
    expect(tree[0].children?.[0].id).toBe('chengdong-gov');
    expect(tree[0].children?.[0].children?.[0].id).toBe('donghu-office');
    expect(parentKeys(tree)).toEqual(['centre', 'chengdong-gov']);
  });

  it('makes a row whose parent is missing a root instead of dropping it', () => {
    expect(buildTree([row('a', 'gone'), row('b')]).map((n) => n.id)).toEqual(['a', 'b']);
  });

  it('cuts a loop rather than hiding the rows in it', () => {
    const tree = buildTree([row('a', 'b'), row('b', 'a')]);
    expect(tree.map((n) => n.id).sort()).toEqual(['a', 'b']);
  });
});

describe('descendantsOf', () => {
  it('lists a unit and everything below it (none may become its parent)', () => {
    const rows = [row('centre'), row('gov', 'centre'), row('office', 'gov'), row('other', 'centre')];
    expect([...descendantsOf(rows, 'gov')].sort()).toEqual(['gov', 'office']);
  });
});
