/** A Telegram user as the Bot API shows one (the `User` object). */
export interface EmulatorUser {
  id: number;
  is_bot?: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

/** How to start a {@link BotApiEmulator}. Every field is optional. */
export interface EmulatorOptions {
  /** The only token the emulator accepts; default `'123456:TEST-token-for-the-emulator_0123456789'`. */
  token?: string;
  /** The bot's own user; default id = the number before `:` in the token, username `tracker_test_bot`. */
  botUser?: { id: number; username: string; first_name: string };
  /** Interface to listen on; default `'127.0.0.1'`. */
  host?: string;
  /** Port to listen on; default 0 (an ephemeral port). */
  port?: number;
  /** Clock in milliseconds, default `Date.now`; used for `date` fields, expiry checks and the rate limit. */
  now?: () => number;
  /**
   * When set, more than this many sends (sendMessage, sendPhoto, sendDocument…) to one group or
   * supergroup within a rolling 60 s are answered 429 with the matching `retry_after`.
   */
  groupSendsPerMinute?: number;
  /** Receives one line per HTTP request (method and status; never the token). */
  log?: (line: string) => void;
}

/** A file the bot uploaded in a multipart request. */
export interface RecordedFile {
  /** The form field that carried it, e.g. `photo`. */
  field: string;
  filename: string;
  /** The part's content type as sent; `''` when the client sent none (telegraf sends none). */
  contentType: string;
  bytes: Buffer;
}

/**
 * One request the emulator received. `status` is the HTTP status that was answered, or 0 when no
 * answer reached the client (a `drop-*` fault, or the client hung up first). `response` is the
 * JSON body that was (or, with `drop-after`, would have been) sent.
 */
export interface RecordedCall {
  seq: number;
  /** The method's canonical name (`sendMessage` even when called as `SENDMESSAGE`). */
  method: string;
  /** Parameters as received (multipart fields stay strings), without the uploads. */
  params: Record<string, unknown>;
  files: RecordedFile[];
  /** `now()` when the request arrived. */
  at: number;
  status: number;
  response: unknown;
  /** The fault applied, e.g. `'error 429'`, `'drop-before'`, `'drop-after'`, `'delay 300'`. */
  fault?: string;
  /** Set when the method came in a webhook's answer (`{"method": ...}`) rather than a request. */
  via?: 'webhook-reply';
}

/** What {@link BotApiEmulator.failNext} does to a call. */
export type Fault =
  /** Answered as `{ok:false,...}` with HTTP status `code`; the method is NOT executed. */
  | { kind: 'error'; code: number; description: string; retryAfter?: number; migrateToChatId?: number }
  /** The socket is destroyed before the method runs: nothing happened. */
  | { kind: 'drop-before' }
  /** The method runs (state changes), then the socket is destroyed without an answer. */
  | { kind: 'drop-after' }
  /** Waits `ms`, then runs the method and answers normally (even if the client hung up meanwhile). */
  | { kind: 'delay'; ms: number };

/** Telegram's `ChatInviteLink` object. */
export interface ChatInviteLink {
  invite_link: string;
  creator: EmulatorUser;
  creates_join_request: boolean;
  is_primary: boolean;
  is_revoked: boolean;
  name?: string;
  expire_date?: number;
  member_limit?: number;
  pending_join_request_count?: number;
}

/** A message the bot sent, as the emulator keeps it for tests to inspect. */
export interface EmulatedMessage {
  message_id: number;
  chat_id: number;
  /** Unix seconds. */
  date: number;
  kind: 'text' | 'photo' | 'document';
  /** The text as Telegram shows it (HTML tags parsed away when parse_mode was HTML). */
  text?: string;
  caption?: string;
  /** The parse_mode the bot gave, if any. */
  parse_mode?: string;
  /** The uploaded file (or the earlier upload a file_id refers to); absent for URLs. */
  file?: RecordedFile;
  /** The reply_markup the bot gave, parsed. */
  reply_markup?: unknown;
  /** Unix seconds of the last edit. */
  edit_date?: number;
}

/** Chat types the emulator knows. */
export type ChatType = 'group' | 'supergroup' | 'channel' | 'private';

/** What the bot may do in a chat: admin with or without the invite right, plain member, or nothing. */
export type BotRights = 'admin' | 'admin-no-invite' | 'member' | 'none';

/** One update as sent to the bot. */
export type Update = { update_id: number } & Record<string, unknown>;
