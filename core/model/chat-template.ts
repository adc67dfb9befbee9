/**
 * @module model/chat-template
 * A GGUF file's own chat template (`tokenizer.chat_template`, Jinja), rendered the way Hugging
 * Face renders it, by one function for the browser engine and for the native one that labels the
 * gate's training set: the two must read the very same prompt string, or the gate is trained on
 * prompts the widget never shows the model.
 */
import { Template } from '@huggingface/jinja';
import type { ChatMessage } from '../protocol/chat.js';

export type ChatTemplate = { readonly render: (messages: readonly ChatMessage[]) => string };

export function chatTemplateOf(source: string, tokens: { readonly bos: string; readonly eos: string }): ChatTemplate {
  const template = new Template(source);
  return {
    render: (messages) =>
      template.render({
        messages: messages.map((m) => ({ role: m.role, content: m.content })),
        add_generation_prompt: true,
        bos_token: tokens.bos,
        eos_token: tokens.eos,
      }),
  };
}
