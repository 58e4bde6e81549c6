import type { Deadline } from '../../api/types';

// 差评整改 as the host shows it (src/Feedback/Rectification: RectificationView), shared by the department's page and the
// supervisor's pages.

export interface FeedbackHistoryEntry {
  at: string;
  subject: string;
  subjectId: string;
  kind: string;
  actorName: string;
  actorRole: string | null;
  note: string | null;
  data: string | null;
}

export interface Rectification {
  id: string;
  ratingId: string;
  ticketId: string;
  trackingCode: string;
  departmentId: string | null;
  stage: RectificationStage;
  stageLabel: string;
  openedAt: string;
  verifyDue: string;
  rectifyDue: string;
  reviewDue: string | null;
  followUpEnds: string | null;
  currentDue: string | null;
  overdue: boolean;
  verifiedAt: string | null;
  citizenReached: boolean | null;
  verifyNote: string | null;
  classifiedAt: string | null;
  kind: string | null;
  kindLabel: string | null;
  classifyNote: string | null;
  recordedAt: string | null;
  action: string | null;
  evidence: string[];
  reportedBackAt: string | null;
  reportText: string | null;
  acceptedAt: string | null;
  reviewNote: string | null;
  sentBackCount: number;
  followUpRatingId: string | null;
  closedAt: string | null;
  outcome: string | null;
  outcomeLabel: string | null;
  rectifiedOnTime: boolean | null;
  urgedSteps: string[];
  version: number;
  history: FeedbackHistoryEntry[] | null;
}

export type RectificationStage = 'Verify' | 'Classify' | 'Record' | 'ReportBack' | 'Review' | 'FollowUp' | 'Closed';

/** The steps in order, with the labels the host uses (RectificationRecord.Labels). */
export const stages: { stage: RectificationStage; label: string }[] = [
  { stage: 'Verify', label: '核实' },
  { stage: 'Classify', label: '分类定性' },
  { stage: 'Record', label: '记录整改情况' },
  { stage: 'ReportBack', label: '反馈市民' },
  { stage: 'Review', label: '督办审核' },
  { stage: 'FollowUp', label: '市民再评价' },
  { stage: 'Closed', label: '已结束' },
];

/** The steps the rated department does itself; review is the supervisor's, the follow-up rating the citizen's. */
export const departmentStages: RectificationStage[] = ['Verify', 'Classify', 'Record', 'ReportBack'];

export const kinds = [
  { value: 'FixNow', label: '立行立改', hint: '诉求明确合理，立即整改' },
  { value: 'RegisterAndFix', label: '建立台账、限期整改', hint: '情况复杂，登记台账并在期限内整改' },
  { value: 'Explain', label: '解释说明', hint: '诉求没有法律政策依据，向市民解释说明' },
];

/** The current step's deadline in the shape the Countdown component shows. */
export function currentDeadline(r: Rectification): Deadline | null {
  if (!r.currentDue) return null;
  return { due: r.currentDue, status: r.overdue ? 'overdue' : 'running', statusLabel: r.overdue ? '已超时' : '进行中' };
}

/** A finished step's deadline: met or late, judged by when it was done. */
export function stepDeadline(due: string | null, doneAt: string | null, running: boolean, overdue: boolean): Deadline | null {
  if (!due) return null;
  if (doneAt) {
    const met = new Date(doneAt).getTime() <= new Date(due).getTime();
    return { due, status: met ? 'met' : 'late', statusLabel: met ? '按时' : '超时完成' };
  }
  if (running) return { due, status: overdue ? 'overdue' : 'running', statusLabel: overdue ? '已超时' : '进行中' };
  return { due, status: 'closed', statusLabel: '未办理' };
}

/** A rating as staff read it (RatingView); never who rated. */
export interface RatingSummary {
  id: string;
  ticketId: string;
  trackingCode: string;
  round: number;
  level: number;
  levelLabel: string;
  badReview: boolean;
  comment: string | null;
  channelLabel: string;
  realName: boolean;
  departmentId: string | null;
  ticketType: string;
  ratedAt: string;
  excludedFromAssessment: boolean;
  rectificationId: string | null;
}
