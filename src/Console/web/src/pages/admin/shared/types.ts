import type { Article } from '../../../api/types';

// Shapes of the admin API's answers, as the host writes them (camelCase JSON).

export interface Department {
  id: string;
  name: string;
  kind: string;
  parentId: string | null;
  areaId: string | null;
  email: string | null;
  remit: string | null;
  active: boolean;
}

export interface Area {
  id: string;
  name: string;
  level: string;
  parentId: string | null;
}

export interface Category {
  id: string;
  name: string;
  defaultDepartmentId: string | null;
}

export interface CatalogueEntry {
  id: string;
  name: string;
  categoryId: string;
  categoryName: string | null;
  keywords: string[];
  level: string;
  levelLabel: string;
  department: { id: string; name: string; kind: string; remit: string | null } | null;
  unitKind: string | null;
  unitKindLabel: string | null;
  areaId: string | null;
  areaName: string | null;
  remit: string | null;
  active: boolean;
  version: number;
  updatedAt: string;
  updatedBy: string;
}

export interface HolidayPeriod {
  name: string;
  from: string;
  to: string;
}

export interface HolidayNotice {
  year: number;
  title: string;
  source: string | null;
  holidays: HolidayPeriod[];
  workingWeekendDays: string[];
}

export interface CalendarCoverage {
  /** The host's current year in the hotline's zone. */
  year: number;
  years: number[];
  currentYear: boolean;
  nextYear: boolean;
  warning: string | null;
}

// Shared with the agent's knowledge drawer, which reads the same endpoint.
export type { Article } from '../../../api/types';

/** One saved version of an article, with everything it said: the article's fields as they were, and who saved them when. */
export type ArticleVersion = Pick<
  Article,
  'version' | 'title' | 'body' | 'category' | 'ownerDepartmentId' | 'keywords' | 'validFrom' | 'validUntil' | 'reviewBy' | 'status'
> & {
  savedAt: string;
  savedBy: string;
};

export interface StaffAccount {
  id: string;
  userName: string;
  displayName: string;
  role: string;
  departmentId: string | null;
  lockedOut: boolean;
  lockedOutUntil?: string | null;
  /** Stopped by an admin: cannot sign in. */
  disabled?: boolean;
}

export interface MessageTemplate {
  key: string;
  text: string;
  defaultText: string;
  customised: boolean;
  updatedAt: string | null;
  updatedBy: string | null;
}

/** What one model version did in service over the window: its automatic dispatches and how many a person corrected. */
export interface ModelOutcome {
  version: string;
  classified: number;
  autoDispatched: number;
  corrected: number;
  precision: number | null;
}

export interface RoutingOutcomes {
  from: string;
  days: number;
  models: ModelOutcome[];
}

export interface RoutingModel {
  version: string;
  createdAt: string;
  examples: number;
  /** Null: the model dispatches nothing on its own (no confidence kept 98 % precision on its training data). */
  threshold: number | null;
  accuracy: number;
  macroF1: number;
  dispatchShare: number;
  active: boolean;
  /** Why the last scheduled training left this version off, as the server decided it (null: never held back, or held back
   * before the reason was stored). */
  heldBackReason?: string | null;
}
