/**
 * A Telegram Bot API emulator on loopback, for tests and the offline demo. Importing this module
 * starts nothing: call `BotApiEmulator.start()`.
 */
export { BotApiEmulator, DEFAULT_TOKEN } from './emulator.js';
export type {
  BotRights,
  ChatInviteLink,
  ChatType,
  EmulatedMessage,
  EmulatorOptions,
  EmulatorUser,
  Fault,
  RecordedCall,
  RecordedFile,
  Update,
} from './types.js';
export type { AdminRights, MemberState, RestrictedRights } from './membership.js';
export { OTHER_ADMIN } from './state.js';
export { describeCall } from './call-log.js';
