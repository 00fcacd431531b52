/**
 * Typed channels: a channel (or pattern) bound to a schema. Outgoing data that fails the schema is
 * refused before it leaves; delivered data that fails it is dropped and reported, never handed to
 * the handler. Any Standard Schema (https://standardschema.dev) works — zod 4, valibot, arktype.
 */
import type { Message } from '@kuiper/protocol';
import { channelMatches, isWildcard } from './channel-name.js';
import { KuiperClientError } from './errors.js';
import type { MessageHandler } from './subscriptions.js';

/** The Standard Schema v1 interface, as its spec asks libraries to copy it. */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}

export type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<{ readonly message: string; readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined }> };

export type InferOutput<S extends StandardSchemaV1> = NonNullable<S['~standard']['types']>['output'];
export type InferInput<S extends StandardSchemaV1> = NonNullable<S['~standard']['types']>['input'];

export interface TypedSubscription {
  readonly channel: string;
  readonly ready: Promise<void>;
  unsubscribe(): void;
}

/** A pattern with a wildcard needs the concrete channel on publish; a plain channel does not. */
export type TypedPublish<P extends string, S extends StandardSchemaV1> = P extends `${string}*`
  ? (channel: string, data: InferInput<S>) => Promise<void>
  : (data: InferInput<S>) => Promise<void>;

export interface TypedChannel<P extends string, S extends StandardSchemaV1> {
  readonly pattern: P;
  subscribe(handler: (data: InferOutput<S>, message: Message) => void): TypedSubscription;
  publish: TypedPublish<P, S>;
}

export interface TypedChannelOptions {
  /** Called with each delivered message that fails the schema; defaults to the client's onError. */
  onInvalid?: (error: KuiperClientError, message: Message) => void;
}

/** The slice of the client a typed channel needs; keeps this module free of the client itself. */
export interface TypedChannelHost {
  subscribe(channel: string, handler: MessageHandler): TypedSubscription;
  publish(channel: string, data: unknown): Promise<void>;
  reportError(error: Error): void;
}

function describeIssues(result: StandardResult<unknown>): string {
  if (!result.issues) return '';
  return result.issues
    .map((issue) => {
      const path = (issue.path ?? []).map((p) => String(typeof p === 'object' ? p.key : p)).join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

export function createTypedChannel<P extends string, S extends StandardSchemaV1>(
  host: TypedChannelHost,
  pattern: P,
  schema: S,
  options: TypedChannelOptions = {},
): TypedChannel<P, S> {
  const validate = (value: unknown) => schema['~standard'].validate(value);
  const wildcard = isWildcard(pattern);

  const publish = async (...args: unknown[]): Promise<void> => {
    const [channel, data] = wildcard ? [args[0], args[1]] : [pattern, args[0]];
    if (typeof channel !== 'string' || !channelMatches(pattern, channel) || isWildcard(channel)) {
      throw new KuiperClientError('invalid_channel', `cannot publish to ${String(channel)}: it is not a channel of ${pattern}`);
    }
    const result = await validate(data);
    if (result.issues) {
      throw new KuiperClientError('invalid_outgoing', `message for ${channel} fails its schema: ${describeIssues(result)}`, {
        details: result.issues,
      });
    }
    // The wire carries the schema's input form, as given: each receiver parses it with its own
    // schema, so transforms (string → Date, say) run on the receiving side.
    return host.publish(channel, data);
  };

  const subscribe = (handler: (data: InferOutput<S>, message: Message) => void): TypedSubscription => {
    const report = (result: StandardResult<unknown>, message: Message): void => {
      const error = new KuiperClientError(
        'invalid_incoming',
        `dropped a message on ${message.channel} that fails the schema of ${pattern}: ${describeIssues(result)}`,
        { details: { issues: result.issues, message } },
      );
      if (options.onInvalid) options.onInvalid(error, message);
      else host.reportError(error);
    };
    const accept = (result: StandardResult<unknown>, message: Message): void => {
      if (result.issues) report(result, message);
      else handler(result.value as InferOutput<S>, message);
    };
    // Synchronous schemas (the usual case) keep delivery order; async ones are chained to keep it too.
    let chain: Promise<void> = Promise.resolve();
    return host.subscribe(pattern, (data, message) => {
      const result = validate(data);
      if (result instanceof Promise) {
        chain = chain.then(() => result).then((r) => accept(r, message)).catch((error: unknown) => host.reportError(error as Error));
      } else {
        accept(result, message);
      }
    });
  };

  return { pattern, subscribe, publish: publish as TypedPublish<P, S> };
}
