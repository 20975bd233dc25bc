import type { CallLog } from './call-log.js';
import type { LongPollGate } from './context.js';
import type { FaultQueue } from './faults.js';
import type { GroupSendLimiter } from './rate-limit.js';
import type { World } from './state.js';
import type { EmulatorUser } from './types.js';
import type { UpdateQueue } from './updates.js';
import type { WebhookConfig } from './webhook.js';

/** The shared pieces an emulator is made of. */
export interface Core {
  token: string;
  botUser: EmulatorUser;
  now: () => number;
  world: World;
  updates: UpdateQueue;
  webhook: WebhookConfig;
  polls: LongPollGate;
  calls: CallLog;
  faults: FaultQueue;
  limiter: GroupSendLimiter | undefined;
}
