/**
 * Which schedule rows to act on now. A row is sent once: `posted` and `missed` rows are done, a row
 * left `sending` by a run that died mid-call may have reached the group and becomes `uncertain`, and
 * `uncertain` rows wait for the admin (or --retry-uncertain).
 */
import type { Entry } from '../shared/files/data-file.js';
import type { ScheduledPost } from '../shared/schedule/schedule.js';
import { WINDOW_MS } from './pacer.js';

/** The message ids a row has on record: one per piece already delivered, space-separated in the file. */
export function sentIds(post: Pick<ScheduledPost, 'message_id'>): string[] {
  return post.message_id.split(/[\s,;]+/).filter((id) => id !== '');
}

export interface PostPlan {
  /** Rows to send now, oldest first. */
  due: Entry<ScheduledPost>[];
  /** Rows overdue by more than --max-late, none of whose pieces went out: mark `missed`. */
  missed: Entry<ScheduledPost>[];
  /** Rows a previous run left `sending`: mark `uncertain`. */
  interrupted: Entry<ScheduledPost>[];
  /** Rows already `uncertain` that stay so (no --retry-uncertain). */
  uncertain: Entry<ScheduledPost>[];
  /** Rows whose time has not come. */
  later: number;
  /** When the first of them falls due (ms), or null. */
  nextDueMs: number | null;
  /** When our messages of the last minute went out (ms), as far as the file tells, for pacing. */
  recentSends: number[];
}

export interface PlanOptions {
  now: Date;
  /** Rows overdue by more than this many ms are missed; null: never. */
  maxLateMs: number | null;
  /** Send `uncertain` rows again. */
  retryUncertain: boolean;
}

/** Sorts the rows of the schedule into what to do with each. Pure. */
export function planPosts(entries: readonly Entry<ScheduledPost>[], options: PlanOptions): PostPlan {
  const now = options.now.getTime();
  const plan: PostPlan = { due: [], missed: [], interrupted: [], uncertain: [], later: 0, nextDueMs: null, recentSends: [] };
  for (const entry of entries) {
    const post = entry.value;
    const time = post.dt_time.getTime();
    if (post.dt_posted !== null && post.dt_posted.getTime() > now - WINDOW_MS) {
      for (let i = 0; i < Math.max(1, sentIds(post).length); i++) plan.recentSends.push(post.dt_posted.getTime());
    }
    switch (post.post_status) {
      case 'posted':
      case 'missed':
        break;
      case 'sending':
        plan.interrupted.push(entry);
        break;
      case 'uncertain':
        if (options.retryUncertain) plan.due.push(entry);
        else plan.uncertain.push(entry);
        break;
      case '':
        if (time > now) {
          plan.later++;
          if (plan.nextDueMs === null || time < plan.nextDueMs) plan.nextDueMs = time;
        }
        else if (options.maxLateMs !== null && now - time > options.maxLateMs && sentIds(post).length === 0) plan.missed.push(entry);
        else plan.due.push(entry);
        break;
    }
  }
  plan.due.sort((a, b) => a.value.dt_time.getTime() - b.value.dt_time.getTime() || a.row.line - b.row.line);
  return plan;
}

/** True when the plan asks for any change to the file or to the group. */
export function planHasWork(plan: PostPlan): boolean {
  return plan.due.length + plan.missed.length + plan.interrupted.length > 0;
}
