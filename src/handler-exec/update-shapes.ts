/**
 * The zod shapes of the update types tg-handler handles: what update-shape.ts's quick tests stand
 * for, loaded (with zod) only to word the problem of an update they refuse (cli/lazy.ts).
 */
import type { ZodType } from 'zod';
import { zodNow } from '../shared/cli/lazy.js';

// The one zod of the process (lazy.ts zodNow): the data files' schemas use the same copy, so an
// error path that needs both loads zod once.
const { z } = zodNow();

const id = z.number().int();
const user = z.object({ id, is_bot: z.boolean(), first_name: z.string(), last_name: z.string().optional(), username: z.string().optional() });
const chat = z.object({ id, type: z.string() });

/** The shapes of the update types tg-handler handles; a type missing here is passed on unchecked. */
export const UPDATE_SHAPES: Readonly<Record<string, ZodType>> = {
  chat_join_request: z.object({
    chat,
    from: user,
    date: id,
    user_chat_id: id.optional(),
    invite_link: z.object({ invite_link: z.string(), name: z.string().optional() }).optional(),
  }),
  message: z.object({ message_id: id, chat, from: user.optional(), text: z.string().optional() }),
  callback_query: z.object({
    id: z.string(),
    from: user,
    data: z.string().optional(),
    message: z.object({ message_id: id, chat }).optional(),
  }),
};
