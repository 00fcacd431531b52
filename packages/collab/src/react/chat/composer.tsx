/** The text box and Send: Enter sends, Shift+Enter breaks the line, typing tells the others. */
import { useState, type KeyboardEvent, type ReactNode } from 'react';
import { CHAT_CLASS } from './chat-styles.js';
import { describeError } from './message-item.js';

export interface ComposerProps {
  send(text: string): Promise<unknown>;
  typing(): void;
  onError(message: string): void;
}

export function Composer({ send, typing, onError }: ComposerProps): ReactNode {
  const [draft, setDraft] = useState('');
  const [sending, setSending] = useState(false);
  const submit = (): void => {
    const text = draft.trim();
    if (text === '' || sending) return;
    setSending(true);
    send(text).then(
      () => setDraft(''),
      (error: unknown) => onError(`Not sent: ${describeError(error)}`),
    ).finally(() => setSending(false));
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>): void => {
    // An IME composing a character also presses Enter: that one is not a send.
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  };
  return (
    <form
      className={`${CHAT_CLASS}-composer`}
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <textarea
        className={`${CHAT_CLASS}-input`}
        aria-label="Message"
        rows={2}
        value={draft}
        onChange={(event) => {
          setDraft(event.target.value);
          if (event.target.value !== '') typing();
        }}
        onKeyDown={onKeyDown}
      />
      <button className={`${CHAT_CLASS}-button`} type="submit" data-primary="" disabled={sending || draft.trim() === ''}>
        Send
      </button>
    </form>
  );
}
