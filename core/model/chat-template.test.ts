import { describe, expect, it } from 'vitest';
import { chatTemplateOf } from './chat-template.js';

// TinyLlama-1.1B-Chat-v1.0's template, as its GGUF file carries it.
const ZEPHYR =
  "{% for message in messages %}\n{% if message['role'] == 'user' %}\n{{ '<|user|>\n' + message['content'] + eos_token }}\n{% elif message['role'] == 'system' %}\n{{ '<|system|>\n' + message['content'] + eos_token }}\n{% elif message['role'] == 'assistant' %}\n{{ '<|assistant|>\n'  + message['content'] + eos_token }}\n{% endif %}\n{% if loop.last and add_generation_prompt %}\n{{ '<|assistant|>' }}\n{% endif %}\n{% endfor %}";

describe("a GGUF file's chat template", () => {
  it("renders a conversation as Hugging Face does, ending with the assistant's turn to speak", () => {
    const template = chatTemplateOf(ZEPHYR, { bos: '<s>', eos: '</s>' });
    expect(
      template.render([
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello!' },
        { role: 'user', content: 'Capital of France?' },
      ]),
    ).toBe(
      '<|system|>\nBe brief.</s>\n<|user|>\nHi</s>\n<|assistant|>\nHello!</s>\n<|user|>\nCapital of France?</s>\n<|assistant|>\n',
    );
  });
  it("keeps a message's own template-looking text as text (it is data, not template)", () => {
    const template = chatTemplateOf(ZEPHYR, { bos: '<s>', eos: '</s>' });
    expect(template.render([{ role: 'user', content: '{{ eos_token }} {% if true %}x{% endif %}' }])).toContain(
      '{{ eos_token }} {% if true %}x{% endif %}',
    );
  });
  it('refuses a template that is not Jinja, so a broken file fails at load, not mid-answer', () => {
    expect(() => chatTemplateOf('{% for %}', { bos: '<s>', eos: '</s>' })).toThrow();
  });
});
