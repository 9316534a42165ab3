import { z } from 'zod';

import { plainString } from '../../schemas/text.js';

const requestId = z.string().max(200).optional();

/** What a client may send on the room socket. */
export const roomClientMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('ping'),
    id: z.union([z.string().max(100), z.number()]),
    clientSent: z.number(),
  }),
  z.object({
    type: z.literal('control'),
    action: z.enum(['play', 'pause', 'seek', 'rate']),
    position: z.number().optional(),
    rate: z.number().optional(),
    requestId,
  }),
  z.object({
    type: z.literal('status'),
    state: z.enum(['ready', 'buffering']),
    position: z.number().optional(),
  }),
  // Length is the chat decider's rule (invalid_chat_message); here only a sane upper bound.
  z.object({ type: z.literal('chat'), text: plainString().max(10_000), requestId }),
  z.object({ type: z.literal('resume'), seq: z.number().int().min(0).optional() }),
]);

export type RoomClientMessage = z.infer<typeof roomClientMessage>;
