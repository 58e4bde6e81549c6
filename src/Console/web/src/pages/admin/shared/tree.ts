/** A node of a hierarchy built from flat rows with parent ids (departments, areas). */
export type TreeNode<T> = T & { key: string; children?: TreeNode<T>[] };

/**
 * Builds the forest of rows linked by `parentId`. A row whose parent is missing (or not in the list) becomes a root, so nothing
 * disappears from the page when a parent is filtered out; a parent chain that loops is cut where it would repeat. Children keep
 * the order `compare` gives (default: as listed).
 */
export function buildTree<T extends { id: string; parentId: string | null }>(rows: readonly T[], compare?: (a: T, b: T) => number): TreeNode<T>[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const children = new Map<string, T[]>();
  const roots: T[] = [];
  for (const row of rows) {
    if (row.parentId && row.parentId !== row.id && byId.has(row.parentId) && !loops(row, byId)) {
      children.set(row.parentId, [...(children.get(row.parentId) ?? []), row]);
    } else {
      roots.push(row);
    }
  }
  const sort = (list: T[]) => (compare ? [...list].sort(compare) : list);
  const make = (row: T): TreeNode<T> => {
    const kids = sort(children.get(row.id) ?? []).map(make);
    return kids.length > 0 ? { ...row, key: row.id, children: kids } : { ...row, key: row.id };
  };
  return sort(roots).map(make);
}

function loops<T extends { id: string; parentId: string | null }>(row: T, byId: Map<string, T>): boolean {
  const seen = new Set<string>([row.id]);
  for (let current = row.parentId; current; current = byId.get(current)?.parentId ?? null) {
    if (seen.has(current)) return true;
    seen.add(current);
  }
  return false;
}

/** The ids of a row and everything below it: what may not become its parent. */
export function descendantsOf<T extends { id: string; parentId: string | null }>(rows: readonly T[], id: string): Set<string> {
  const result = new Set<string>([id]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const row of rows) {
      if (row.parentId && result.has(row.parentId) && !result.has(row.id)) {
        result.add(row.id);
        grew = true;
      }
    }
  }
  return result;
}

/** Every key of a forest that has children (for "expand all"). */
export function parentKeys<T>(nodes: readonly TreeNode<T>[]): string[] {
  return nodes.flatMap((n) => (n.children ? [n.key, ...parentKeys(n.children)] : []));
}
