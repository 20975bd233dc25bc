import { userObject } from './objects.js';
import type { ChatType, EmulatorUser } from './types.js';

/** The rights an administrator may hold (Telegram's `ChatMemberAdministrator` flags). */
export interface AdminRights {
  is_anonymous?: boolean;
  can_manage_chat?: boolean;
  can_delete_messages?: boolean;
  can_manage_video_chats?: boolean;
  can_restrict_members?: boolean;
  can_promote_members?: boolean;
  can_change_info?: boolean;
  can_invite_users?: boolean;
  can_post_stories?: boolean;
  can_edit_stories?: boolean;
  can_delete_stories?: boolean;
  can_post_messages?: boolean;
  can_edit_messages?: boolean;
  can_pin_messages?: boolean;
  can_manage_topics?: boolean;
}

/** What a restricted user may still do (Telegram's `ChatMemberRestricted` flags). */
export interface RestrictedRights {
  can_send_messages?: boolean;
  can_send_audios?: boolean;
  can_send_documents?: boolean;
  can_send_photos?: boolean;
  can_send_videos?: boolean;
  can_send_video_notes?: boolean;
  can_send_voice_notes?: boolean;
  can_send_polls?: boolean;
  can_send_other_messages?: boolean;
  can_add_web_page_previews?: boolean;
  can_change_info?: boolean;
  can_invite_users?: boolean;
  can_pin_messages?: boolean;
  can_manage_topics?: boolean;
}

/**
 * A user's standing in a chat, in the Bot API's own words (`status` and the fields of the matching
 * `ChatMember*` object). `until_date` is Unix seconds, 0 = forever.
 */
export type MemberState =
  | { status: 'creator'; is_anonymous?: boolean; custom_title?: string }
  | ({ status: 'administrator'; custom_title?: string } & AdminRights)
  | { status: 'member'; until_date?: number }
  | ({ status: 'restricted'; is_member: boolean; until_date?: number } & RestrictedRights)
  | { status: 'left' }
  | { status: 'kicked'; until_date?: number };

/** Whether a state counts as being in the chat (the notes' rule: restricted counts by is_member). */
export function isMemberState(state: MemberState): boolean {
  if (state.status === 'restricted') return state.is_member;
  return state.status === 'creator' || state.status === 'administrator' || state.status === 'member';
}

const LEFT: MemberState = { status: 'left' };

/**
 * Everyone whose standing in a chat differs from "never there", by user id. `has`, `add` and `size`
 * keep the meaning the emulator's older `Set` of members had: in the chat, made a plain member, how
 * many are in.
 */
export class Membership {
  private readonly states = new Map<number, MemberState>();
  private count = 0;

  /** The user's state; `left` for someone never seen in the chat. */
  get(userId: number): MemberState {
    return this.states.get(userId) ?? LEFT;
  }

  set(userId: number, state: MemberState): void {
    if (isMemberState(this.get(userId))) this.count -= 1;
    if (isMemberState(state)) this.count += 1;
    this.states.set(userId, state);
  }

  /** Whether the user is in the chat now. */
  has(userId: number): boolean {
    return isMemberState(this.get(userId));
  }

  /** Makes the user a member: a restricted user stays restricted, now with is_member true. */
  add(userId: number): void {
    this.set(userId, joinedState(this.get(userId)));
  }

  /** How many users are in the chat. */
  get size(): number {
    return this.count;
  }

  /** The users in the chat. */
  *memberIds(): IterableIterator<number> {
    for (const [id, state] of this.states) if (isMemberState(state)) yield id;
  }
}

/** The state a user has after joining: a restricted user keeps the restrictions (Telegram keeps them). */
export function joinedState(old: MemberState): MemberState {
  if (old.status === 'restricted') return { ...old, is_member: true };
  if (isMemberState(old)) return old;
  return { status: 'member' };
}

/** The state after leaving: a restricted user keeps the restrictions, with is_member false. */
export function leftState(old: MemberState): MemberState {
  return old.status === 'restricted' ? { ...old, is_member: false } : { status: 'left' };
}

/** A ban whose until_date has passed is over: Telegram shows the user as `left`. */
export function currentState(state: MemberState, nowSec: number): MemberState {
  if (state.status === 'kicked' && (state.until_date ?? 0) > 0 && (state.until_date ?? 0) <= nowSec) return LEFT;
  return state;
}

const ADMIN_DEFAULTS: Required<Omit<AdminRights, 'can_post_messages' | 'can_edit_messages' | 'can_pin_messages' | 'can_manage_topics'>> = {
  is_anonymous: false,
  can_manage_chat: true,
  can_delete_messages: true,
  can_manage_video_chats: true,
  can_restrict_members: true,
  can_promote_members: false,
  can_change_info: true,
  can_invite_users: true,
  can_post_stories: false,
  can_edit_stories: false,
  can_delete_stories: false,
};

const RESTRICTED_FLAGS: (keyof RestrictedRights)[] = [
  'can_send_messages',
  'can_send_audios',
  'can_send_documents',
  'can_send_photos',
  'can_send_videos',
  'can_send_video_notes',
  'can_send_voice_notes',
  'can_send_polls',
  'can_send_other_messages',
  'can_add_web_page_previews',
  'can_change_info',
  'can_invite_users',
  'can_pin_messages',
  'can_manage_topics',
];

/**
 * Telegram's `ChatMember` object for a user in a chat: every field the Bot API gives for that
 * status, with Telegram's defaults for the rights a test did not set.
 */
export function chatMemberObject(chatType: ChatType, user: EmulatorUser, state: MemberState, canBeEdited = false): Record<string, unknown> {
  const base = { user: userObject(user), status: state.status };
  switch (state.status) {
    case 'creator':
      return { ...base, is_anonymous: state.is_anonymous ?? false, ...(state.custom_title === undefined ? {} : { custom_title: state.custom_title }) };
    case 'administrator': {
      const pick = <K extends keyof AdminRights>(key: K, fallback: boolean): boolean => state[key] ?? fallback;
      const rights: Record<string, unknown> = { can_be_edited: canBeEdited };
      for (const [key, fallback] of Object.entries(ADMIN_DEFAULTS)) rights[key] = pick(key as keyof AdminRights, fallback);
      const perType =
        chatType === 'channel'
          ? { can_post_messages: pick('can_post_messages', true), can_edit_messages: pick('can_edit_messages', true) }
          : {
              can_pin_messages: pick('can_pin_messages', true),
              ...(chatType === 'supergroup' ? { can_manage_topics: pick('can_manage_topics', false) } : {}),
            };
      return { ...base, ...rights, ...perType, ...(state.custom_title === undefined ? {} : { custom_title: state.custom_title }) };
    }
    case 'member':
      return { ...base, ...(state.until_date === undefined ? {} : { until_date: state.until_date }) };
    case 'restricted': {
      const flags: Record<string, boolean> = {};
      for (const key of RESTRICTED_FLAGS) flags[key] = state[key] ?? false;
      return { ...base, is_member: state.is_member, ...flags, until_date: state.until_date ?? 0 };
    }
    case 'kicked':
      return { ...base, until_date: state.until_date ?? 0 };
    default:
      return base;
  }
}
