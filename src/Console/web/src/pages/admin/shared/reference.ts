import { api } from '../../../api/http';
import type { Area, Category, Department } from './types';
import { useLoad, type Loaded } from './useLoad';

export interface Reference {
  departments: Department[];
  areas: Area[];
  categories: Category[];
}

/** The reference data most admin forms choose from: departments, areas (市→区→街道) and first-level categories. */
export function useReference(): Loaded<Reference> {
  return useLoad(async () => {
    const [departments, areas, categories] = await Promise.all([
      api.get<Department[]>('/api/departments'),
      api.get<Area[]>('/api/areas'),
      api.get<Category[]>('/api/categories'),
    ]);
    return { departments, areas, categories };
  }, []);
}

/** Area options for a TreeSelect: 市 → 区 → 街道, each labelled with its name. */
export function areaTreeData(areas: readonly Area[]) {
  type Option = { value: string; title: string; children?: Option[] };
  const make = (parent: string | null): Option[] =>
    areas
      .filter((a) => (a.parentId ?? null) === parent || (parent === null && a.parentId !== null && !areas.some((p) => p.id === a.parentId)))
      .map((a) => {
        const children = make(a.id);
        return children.length > 0 ? { value: a.id, title: a.name, children } : { value: a.id, title: a.name };
      });
  return make(null);
}
