import { useEffect, useState } from 'react';
import { api } from '../../api/http';
import type { AreaView, CategoryView, DepartmentView } from './types';

export interface Reference {
  departments: DepartmentView[];
  categories: CategoryView[];
  areas: AreaView[];
  departmentName: (id: string | null | undefined) => string | undefined;
}

// Departments, categories and areas change rarely (an admin edits them): loaded once per page load and shared by every page
// that asks. A failed load is forgotten, so the next page asks again.
let loading: Promise<Reference> | undefined;

function load(): Promise<Reference> {
  loading ??= Promise.all([
    api.get<DepartmentView[]>('/api/departments'),
    api.get<CategoryView[]>('/api/categories'),
    api.get<AreaView[]>('/api/areas'),
  ]).then(
    ([departments, categories, areas]) => {
      const names = new Map(departments.map((d) => [d.id, d.name]));
      return { departments, categories, areas, departmentName: (id) => (id ? names.get(id) : undefined) };
    },
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/** The reference lists, or undefined while they load (a failure leaves them undefined: pages still work without names). */
export function useReference(): Reference | undefined {
  const [reference, setReference] = useState<Reference>();
  useEffect(() => {
    let cancelled = false;
    load().then(
      (r) => !cancelled && setReference(r),
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, []);
  return reference;
}

/** A value that follows the given one after it has stopped changing for delayMs (for searching as the agent types). */
export function useDebounced<T>(value: T, delayMs: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(value), delayMs);
    return () => window.clearTimeout(timer);
  }, [value, delayMs]);
  return settled;
}
