/** The six Bayeux transports the demo lets you force, in the select's order. */
export const TRANSPORTS = ['websocket', 'eventsource', 'long-polling', 'callback-polling', 'forever-frame', 'multipart-mime'] as const;

export type TransportName = (typeof TRANSPORTS)[number];

export function asTransport(value: string | null | undefined): TransportName | undefined {
  return (TRANSPORTS as readonly string[]).includes(value ?? '') ? (value as TransportName) : undefined;
}
