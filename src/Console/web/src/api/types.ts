// Shapes of the host's JSON that several pages share. Page-specific shapes live beside their pages.

export type Role = 'agent' | 'dispatcher' | 'department' | 'supervisor' | 'admin';

export interface Me {
  id: string;
  userName: string;
  displayName: string;
  role: Role;
  roleLabel: string;
  departmentId: string | null;
}

export interface DepartmentRef {
  id: string;
  name: string;
}

export interface Deadline {
  due: string;
  status: string;
  statusLabel: string;
}

export interface Ticket {
  id: string;
  trackingCode: string;
  version: number;
  type: string;
  typeLabel: string;
  urgency: string;
  urgencyLabel: string;
  categoryId: string | null;
  areaId: string | null;
  channel: string;
  state: string;
  stateLabel: string;
  closure: string | null;
  citizen: { phone: string | null; name: string | null; anonymous: boolean; masked: boolean };
  title: string;
  content: string;
  address: string | null;
  attachments: { sha256: string; fileName: string; contentType: string; size: number }[];
  leadDepartment: DepartmentRef | null;
  coHandlers: DepartmentRef[];
  receivedAt: string;
  dispatchedAt: string | null;
  signedAt: string | null;
  repliedAt: string | null;
  closedAt: string | null;
  signDeadline: Deadline | null;
  replyDeadline: Deadline | null;
  returnDeadline: Deadline | null;
  pendingExtension: { days: number; reason: string | null } | null;
  extensionDaysGranted: number;
  dispatchCount: number;
  approvedReturnCount: number;
  urgeCount: number;
  designated: boolean;
  callback: { reached: boolean | null; solved: boolean | null; satisfaction: number | null } | null;
  publicReply: string | null;
  mergedIntoId: string | null;
  transferredTo: string | null;
  notAcceptedReason: string | null;
}

export interface TicketPage {
  items: Ticket[];
  page: number;
  pageSize: number;
  total: number;
}

export interface TimelineEntry {
  sequence: number;
  at: string;
  kind: string;
  kindLabel: string;
  actorName: string;
  actorRole: string | null;
  fromState: string | null;
  toState: string | null;
  note: string | null;
  publicText: string | null;
  data: string | null;
}

/** The payload of every hub event and of /api/console/events. */
export interface LiveEvent<T = Record<string, unknown>> {
  sequence: number;
  at: string;
  data: T;
}

export interface TicketChangedData {
  ticketId: string;
  trackingCode: string;
  timelineSequence: number;
  kind: string;
  fromState: string | null;
  toState: string | null;
  actorName: string | null;
  leadDepartmentId: string | null;
  coHandlerDepartmentIds: string[];
  type: string;
  channel: string;
}

export interface FeedbackChangedData {
  kind: string;
  subject: string;
  subjectId: string;
  ticketId: string | null;
  trackingCode: string | null;
  departmentId: string | null;
  level: number | null;
  step: string | null;
  actorName: string | null;
}

export interface CallRingingData {
  callSid: string;
  maskedPhone: string;
  history: { ticketId: string; trackingCode: string; title: string; state: string; stateLabel: string; receivedAt: string }[];
}

/** A knowledge article as `/api/knowledge/articles/{id}` returns it (staff). */
export interface Article {
  id: string;
  title: string;
  body: string;
  category: string | null;
  ownerDepartmentId: string | null;
  keywords: string;
  validFrom: string | null;
  validUntil: string | null;
  reviewBy: string | null;
  status: string;
  version: number;
  updatedAt: string;
  updatedBy: string;
  /** How many direct answers cited this article (引用作答), and when the last one did. */
  citations: number;
  lastCitedAt: string | null;
}
