// Shapes of the host's answers that the agent and dispatcher pages read (src/Routing/Engine, src/Intake, src/Knowledge).

/** POST /api/routing/suggest: the first suggestion is the decision. */
export interface RoutingAdvice {
  /** Null, like confidence: no usable model; the suggestions come from the catalogue and similar cases alone. */
  modelVersion: string | null;
  suggestions: RouteSuggestion[];
  confidence: number | null;
  reason: string;
  /** The engine would dispatch it on its own: sure enough, nothing holding it back, and automatic dispatch on. */
  wouldDispatch: boolean;
  /** Null: the active model dispatches nothing on its own (no confidence kept 98 % precision on its training data). */
  threshold: number | null;
  /** The centre's setting; off, every ticket waits for a dispatcher. */
  autoDispatch?: boolean;
  departmentSource: string;
  urgency: string;
  urgencyLabel: string;
  type: string | null;
  typeLabel: string | null;
  area: { areaId: string; name: string; how: string } | null;
  members: { member: string; label: string; said: string }[];
  holds: string[];
  /** inTitle: the title names the matter too; namedInTitle: strongly, which is what it takes to weigh against the text model. */
  catalogueMatches: { entryId: string; name: string; terms: string[]; strong: boolean; inTitle: boolean; namedInTitle: boolean }[];
}

export interface RouteSuggestion {
  label: string;
  categoryId: string | null;
  departmentId: string | null;
  departmentName: string | null;
  probability: number | null;
}

/** GET /api/tickets/{id}/routing: the decision recorded on a ticket when it was classified. */
export interface RecordedDecision {
  reason: string | null;
  decision: {
    label: string;
    categoryId: string | null;
    department: string | null;
    /** Null, with modelVersion: decided without a model, from the catalogue or similar cases. */
    confidence: number | null;
    modelVersion: string | null;
    automatic: boolean;
    /**
     * Each suggestion, the decision first (stored as written when it was recorded: `Label`, older rows may say `label`), with
     * its department (absent from decisions recorded before 2026-11-23).
     */
    top: { Label?: string; label?: string; department?: string | null; probability: number | null }[];
  };
}

/** GET /api/knowledge/search: highlights are HTML-escaped fragments with matches in <em>. */
export interface ArticleHit {
  id: string;
  title: string;
  category: string | null;
  ownerDepartmentId: string | null;
  status: string;
  score: number;
  highlights: Record<string, string[]>;
  validFrom?: string | null;
  validUntil?: string | null;
  inForce?: boolean;
}

export interface MissedCall {
  callSid: string;
  phone: string;
  startedAt: string;
  earlierTickets: number;
  transcript: string | null;
  recordingUrl: string | null;
}

export interface MergeCandidate {
  ticketId: string;
  trackingCode: string;
  title: string;
  stateLabel: string;
  receivedAt: string;
  score: number;
  reason: string;
}

export interface DepartmentView {
  id: string;
  name: string;
  kind: string;
  parentId: string | null;
  areaId: string | null;
  active: boolean;
}

export interface CategoryView {
  id: string;
  name: string;
  defaultDepartmentId: string | null;
}

export interface AreaView {
  id: string;
  name: string;
  level: string;
  parentId: string | null;
}

/** The hub's MissedCallChanged payload. */
export interface MissedCallChangeData {
  callSid: string;
  maskedPhone: string;
  change: 'Missed' | 'CalledBack';
  actorName: string | null;
}

export const channelLabels: Record<string, string> = { Phone: '电话', Sms: '短信', Web: '网站', App: 'APP' };

export const ticketTypes = [
  { value: 'Consultation', label: '咨询' },
  { value: 'Help', label: '求助' },
  { value: 'Complaint', label: '投诉' },
  { value: 'Report', label: '举报' },
  { value: 'Suggestion', label: '建议' },
  { value: 'Praise', label: '表扬' },
];

export const urgencies = [
  { value: 'Normal', label: '一般' },
  { value: 'Utilities', label: '水电气热' },
  { value: 'Emergency', label: '紧急' },
];

export const articleStatusLabels: Record<string, { label: string; color: string }> = {
  published: { label: '已发布', color: 'green' },
  draft: { label: '草稿', color: 'default' },
  expired: { label: '已失效', color: 'red' },
};
