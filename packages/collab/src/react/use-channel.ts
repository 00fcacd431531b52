/**
 * `useChannel` [REACT-3]: a channel subscription for as long as the component is mounted. One
 * effect owns the subscription, keyed by the client and the channel only: the handler and schema
 * live in refs, so a re-render with a new closure never resubscribes.
 */
import { KuiperClientError, channelMatches, isWildcard, type Message, type StandardSchemaV1 } from '@kuiper/client';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useClient } from './kuiper-provider.js';

export type ChannelStatus = 'idle' | 'subscribing' | 'subscribed' | 'failed';

export interface UseChannelOptions<T> {
  /** A Standard Schema (zod 4, valibot…): a publish failing it rejects and sends nothing; a delivery failing it is dropped. */
  readonly schema?: StandardSchemaV1<unknown, T>;
  /** Called with each delivery the schema refused (default: dropped silently). */
  readonly onInvalid?: (error: KuiperClientError, message: Message) => void;
}

export interface ChannelApi<T> {
  /** Publishes `data` on the channel (on a wildcard channel, on `channel`, which must match it). */
  publish(data: T, channel?: string): Promise<void>;
  /** idle (no client yet) → subscribing → subscribed, or failed when the server refused. */
  readonly status: ChannelStatus;
  /** The latest delivery that passed the schema. */
  readonly lastMessage: T | undefined;
}

type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

/** Runs a Standard Schema; synchronous when the schema is, so deliveries keep their order. */
function check<T>(schema: StandardSchemaV1<unknown, T> | undefined, value: unknown, then: (result: Checked<T>) => void): void {
  if (!schema) return then({ ok: true, value: value as T });
  const settle = (result: Awaited<ReturnType<StandardSchemaV1<unknown, T>['~standard']['validate']>>): void =>
    then(result.issues ? { ok: false, problem: result.issues.map((i) => i.message).join('; ') } : { ok: true, value: result.value });
  const result = schema['~standard'].validate(value);
  if (result instanceof Promise) void result.then(settle, (error: unknown) => then({ ok: false, problem: String(error) }));
  else settle(result);
}

export function useChannel<T = unknown>(
  channel: string,
  handler?: (data: T, message: Message) => void,
  options: UseChannelOptions<T> = {},
): ChannelApi<T> {
  const client = useClient();
  const handlerRef = useRef(handler);
  const optionsRef = useRef(options);
  // Refreshed after each commit; a delivery in between uses the previous render's handler.
  useEffect(() => {
    handlerRef.current = handler;
    optionsRef.current = options;
  });
  const [status, setStatus] = useState<ChannelStatus>('idle');
  const [lastMessage, setLastMessage] = useState<T | undefined>(undefined);

  useEffect(() => {
    if (!client) return;
    let live = true;
    setStatus('subscribing');
    setLastMessage(undefined); // another channel's last message is not this one's
    const subscription = client.subscribe(channel, (data, message) => {
      check(optionsRef.current.schema, data, (result) => {
        if (!live) return;
        if (!result.ok) {
          optionsRef.current.onInvalid?.(new KuiperClientError('invalid_incoming', `${message.channel}: ${result.problem}`, { details: data }), message);
          return;
        }
        setLastMessage(() => result.value);
        handlerRef.current?.(result.value, message);
      });
    });
    subscription.ready.then(
      () => live && setStatus('subscribed'),
      () => live && setStatus('failed'),
    );
    return () => {
      live = false;
      subscription.unsubscribe();
    };
  }, [client, channel]);

  const publish = useCallback(
    (data: T, target?: string): Promise<void> => {
      if (!client) return Promise.reject(new KuiperClientError('disconnected', 'useChannel: no client yet'));
      const to = target ?? channel;
      if (isWildcard(to) || !channelMatches(channel, to)) {
        return Promise.reject(new KuiperClientError('invalid_channel', `cannot publish to ${to}: a concrete channel of ${channel} is needed`));
      }
      return new Promise<void>((resolve, reject) => {
        check(optionsRef.current.schema, data, (result) => {
          if (!result.ok) reject(new KuiperClientError('invalid_outgoing', `${to}: ${result.problem}`, { details: data }));
          else client.publish(to, result.value).then(resolve, reject);
        });
      });
    },
    [client, channel],
  );

  return { publish, status, lastMessage };
}
