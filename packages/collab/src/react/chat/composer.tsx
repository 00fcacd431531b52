/** The text box and Send: Enter sends, Shift+Enter breaks the line, typing tells the others. */
import { useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { CHAT_CLASS } from './chat-styles.js';
import { describeError } from './message-item.js';

export interface ComposerProps {
  send(text: string): Promise<unknown>;
  typing(): void;
  /** A send refused: why; `undefined` when the user sends again (the last reason stays until then). */
  onError(message: string | undefined): void;
}

export function Composer({ send, typing, onError }: ComposerProps): ReactNode {
  const [draft, setDraft] = useState('');
  /** Sends not yet answered, chained so that they reach the room in the order they were written. */
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  const submit = (): void => {
    const text = draft.trim();
    if (text === '') return;
    // The box empties at once, so the next message can be written (and sent) while this one is on
    // its way; waiting for the answer would wipe, when it came, whatever was typed meanwhile.
    setDraft('');
    onError(undefined);
    queue.current = queue.current.then(() => send(text)).catch((error: unknown) => {
      onError(`Not sent: ${describeError(error)}`);
      // [CHATUI-2] A refused send keeps its text, ahead of anything written since.
      setDraft((now) => (now.trim() === '' ? text : `${text}\n${now}`));
    });
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
      <button className={`${CHAT_CLASS}-button`} type="submit" data-primary="" disabled={draft.trim() === ''}>
        Send
      </button>
    </form>
  );
}
