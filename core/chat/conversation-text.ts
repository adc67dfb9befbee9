/**
 * @module chat/conversation-text
 * The text a model reads for a conversation: the last user message (what recordings are matched
 * on) and the whole conversation as the local model continues it (decision 010).
 */
import type { ChatMessage } from '../protocol/chat.js';

/**
 * The last user message: what the replay upstream matches recordings on (the local engine reads
 * `conversationText`, decision 010).
 */
export function localPromptText(messages: readonly ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.role === 'user') return messages[i]!.content;
  return '';
}

/**
 * The text the local model reads for a whole conversation, so that a turn can continue the KV
 * cache of the previous one (issue 5). stories260K continues text rather than answering, so an
 * assistant turn follows its prompt directly (exactly what local decoding produced) and each later
 * user turn starts on a new line. A single user message reads exactly as `localPromptText`, so the
 * gate's representation of a one-turn prompt is unchanged. System messages are not read locally.
 */
export function conversationText(messages: readonly ChatMessage[]): string {
  let text = '';
  for (const m of messages) {
    if (m.role === 'system') continue;
    if (m.role === 'user' && text !== '') text += '\n';
    text += m.content;
  }
  return text;
}
