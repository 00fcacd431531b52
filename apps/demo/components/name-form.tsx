'use client';
import { useState, type FormEvent } from 'react';
import { MAX_NAME } from './use-identity';

/** Asks for the display name once; the page remembers it. */
export function NameForm({ onName }: { onName: (name: string) => void }) {
  const [name, setName] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onName(name);
  };
  return (
    <form className="card" onSubmit={submit}>
      <label>
        Your display name{' '}
        <input value={name} maxLength={MAX_NAME} required autoFocus onChange={(e) => setName(e.target.value)} />
      </label>{' '}
      <button type="submit">Continue</button>
    </form>
  );
}
