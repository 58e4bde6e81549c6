// The citizen self-service API (no sign-in) as the pages use it: submitting with an Idempotency-Key, tracking, rating, and the
// knowledge base. Shapes mirror the host's records (Intake's SubmissionReceipt, Routing's PublicTicketView, Feedback's
// RatingTarget and RatingReceipt, Knowledge's ArticleHit and CitizenArticleView).

import { ApiError, request, withQuery } from '../../api/http';

export const ticketTypes = ['咨询', '求助', '投诉', '举报', '建议', '表扬'] as const;

export interface SubmissionFields {
  content: string;
  phone: string;
  name?: string;
  title?: string;
  type?: string;
  address?: string;
  anonymous?: boolean;
}

export interface SubmissionReceipt {
  id: string;
  trackingCode: string;
}

export interface PublicMilestone {
  at: string;
  label: string;
  text: string | null;
}

export interface PublicTicket {
  trackingCode: string;
  type: string;
  state: string;
  stateLabel: string;
  title: string;
  receivedAt: string;
  replyDue: string | null;
  handlingDepartment: string | null;
  reply: string | null;
  repliedAt: string | null;
  closedAt: string | null;
  progress: PublicMilestone[];
}

export interface RatingTarget {
  trackingCode: string;
  title: string;
  type: string;
  department: string | null;
  reply: string | null;
  repliedAt: string | null;
  citizen: string | null;
  round: number;
  followUp: boolean;
  rectificationReport: string | null;
  expiresAt: string;
  alreadyRated: boolean;
  levels: { level: number; label: string }[];
  dimensions: string[];
}

export interface RatingInput {
  level: number;
  efficiency?: number;
  attitude?: number;
  result?: number;
  comment?: string;
}

export interface RatingReceipt {
  ratingId: string;
  trackingCode: string;
  round: number;
  level: number;
  levelLabel: string;
  badReview: boolean;
}

export interface KnowledgeHit {
  id: string;
  title: string;
  category: string | null;
  highlights: Record<string, string[]>;
}

export interface CitizenArticle {
  id: string;
  title: string;
  body: string;
  category: string | null;
  updatedAt: string;
}

/**
 * Submits a request. The same key on a retry (a double click, a timeout, a lost answer) returns the ticket already made instead
 * of a second one; files go as multipart/form-data with the same field names as the JSON.
 */
export function submitTicket(fields: SubmissionFields, files: File[], idempotencyKey: string): Promise<SubmissionReceipt> {
  const headers: Record<string, string> = { Accept: 'application/json', 'Idempotency-Key': idempotencyKey };
  if (files.length === 0) {
    return request<SubmissionReceipt>('POST', '/api/citizen/tickets', undefined, {
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: JSON.stringify(fields),
    });
  }
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (value !== undefined && value !== null && value !== '') form.append(name, String(value));
  }
  for (const file of files) form.append('files', file, file.name);
  return request<SubmissionReceipt>('POST', '/api/citizen/tickets', undefined, { headers, body: form });
}

export function trackTicket(code: string, phone: string): Promise<PublicTicket> {
  return request<PublicTicket>('GET', withQuery(`/api/citizen/tickets/${encodeURIComponent(code.trim())}`, { phone: phone.trim() }));
}

export function readRating(token: string): Promise<RatingTarget> {
  return request<RatingTarget>('GET', `/api/citizen/ratings/${encodeURIComponent(token)}`);
}

export function rate(token: string, input: RatingInput): Promise<RatingReceipt> {
  return request<RatingReceipt>('POST', `/api/citizen/ratings/${encodeURIComponent(token)}`, input);
}

export function searchKnowledge(q: string, signal?: AbortSignal): Promise<KnowledgeHit[]> {
  return request<KnowledgeHit[]>('GET', withQuery('/api/citizen/knowledge/search', { q, size: 3 }), undefined, { signal });
}

export function readArticle(id: string): Promise<CitizenArticle> {
  return request<CitizenArticle>('GET', `/api/citizen/knowledge/articles/${encodeURIComponent(id)}`);
}

/** Seconds a 429 asks to wait (the problem's retryAfter, which the host also sends as Retry-After), or null for other errors. */
export function retryAfterSeconds(error: unknown): number | null {
  if (!(error instanceof ApiError) || error.status !== 429) return null;
  const seconds = Number(error.problem.retryAfter);
  return Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : 60;
}

/** The field errors of a 400 problem, keyed by the API's field names. */
export function fieldErrors(error: unknown): Record<string, string[]> {
  return error instanceof ApiError && error.status === 400 ? (error.problem.errors ?? {}) : {};
}

/** A random key for one submission; crypto.randomUUID needs a secure context, getRandomValues works over plain http too. */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The key to send for a submission of `fingerprint` (the form's values and files): the previous key while the content is
 * unchanged — a retry must be recognised as the same request — and a new one once the citizen has changed anything, because the
 * host refuses a key reused for different content (422).
 */
export function keyForAttempt(previous: { key: string; fingerprint: string } | null, fingerprint: string): { key: string; fingerprint: string } {
  return previous && previous.fingerprint === fingerprint ? previous : { key: newIdempotencyKey(), fingerprint };
}
