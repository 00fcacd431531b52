import { describe, expect, it } from 'vitest';
import {
  BayeuxError,
  ERROR_CODES,
  type ErrorName,
  bayeuxError,
  formatBayeuxError,
  isBayeuxError,
  isSessionUnknown,
  parseBayeuxError,
  toBayeuxError,
} from '@kuiper/protocol';

const NAMES = Object.keys(ERROR_CODES) as ErrorName[];

describe('error table', () => {
  it('[PROTO-20] an entry is written code:args:message with the table code, args joined by commas', () => {
    expect(formatBayeuxError('session_unknown')).toBe('402::session_unknown');
    expect(formatBayeuxError('subscribe_denied', ['no_token'])).toBe('403:no_token:subscribe_denied');
    expect(formatBayeuxError('message_invalid', ['a', 'b'])).toBe('400:a,b:message_invalid');
  });

  it('[PROTO-21] [PROTO-22] every entry survives formatting and parsing, with no args, one, several, and colons in args', () => {
    for (const name of NAMES) {
      for (const args of [[], ['x'], ['/chat/*', 'y'], ['/a:b']]) {
        const text = formatBayeuxError(name, args);
        expect(parseBayeuxError(text), text).toEqual({ code: ERROR_CODES[name], args, message: name, name });
        expect(isBayeuxError(text, name), text).toBe(true);
      }
    }
  });

  it('[PROTO-21] anything that is not code:args:message parses to undefined', () => {
    for (const bad of [undefined, null, 42, {}, '', 'oops', '402', '402:', '402:session_unknown', 'abc::x', '40::x', '4022::x', ' 402::x']) {
      expect(parseBayeuxError(bad), JSON.stringify(bad)).toBeUndefined();
    }
  });

  it('[PROTO-21] other servers\' errors parse too, with no table name when the table does not know them', () => {
    expect(parseBayeuxError('401::Unknown client')).toEqual({ code: 401, args: [], message: 'Unknown client', name: undefined });
    expect(parseBayeuxError('405:/foo bar:Invalid channel')).toEqual({ code: 405, args: ['/foo bar'], message: 'Invalid channel', name: undefined });
  });

  it('[PROTO-22] a code only one entry has names it whatever the wording; a shared code needs the message too', () => {
    expect(parseBayeuxError('402::Unknown client')?.name).toBe('session_unknown');
    expect(parseBayeuxError('429:5:slow down')?.name).toBe('rate_limited');
    expect(parseBayeuxError('403::Forbidden')?.name).toBeUndefined();
    expect(parseBayeuxError('403::session_unknown')?.name).toBeUndefined();
    expect(isBayeuxError('403:x:publish_denied', 'publish_denied')).toBe(true);
    expect(isBayeuxError('403:x:publish_denied', 'subscribe_denied')).toBe(false);
  });

  it('[PROTO-26] engine_unavailable is 503, the one entry with that code, so any server\'s 503 is read as it', () => {
    expect(NAMES.filter((n) => ERROR_CODES[n] === 503)).toEqual(['engine_unavailable']);
    expect(formatBayeuxError('engine_unavailable')).toBe('503::engine_unavailable');
    expect(bayeuxError('engine_unavailable').message).toBe('503::engine_unavailable');
    expect(parseBayeuxError('503::Service Unavailable')?.name).toBe('engine_unavailable');
  });

  it('[PROTO-27] server_closed is 410, the one entry with that code', () => {
    expect(NAMES.filter((n) => ERROR_CODES[n] === 410)).toEqual(['server_closed']);
    expect(formatBayeuxError('server_closed')).toBe('410::server_closed');
    expect(parseBayeuxError('410::Gone')?.name).toBe('server_closed');
  });

  it('[PROTO-23] session-unknown is recognised through the table, not by a string prefix', () => {
    expect(isSessionUnknown('402::session_unknown')).toBe(true);
    expect(isSessionUnknown('402::Unknown client')).toBe(true);
    expect(isSessionUnknown('403::session_unknown')).toBe(false);
    expect(isSessionUnknown('4020::session_unknown')).toBe(false);
    expect(isSessionUnknown(undefined)).toBe(false);
  });

  it('[PROTO-24] BayeuxError carries the reason, code and args, and its message is the wire string', () => {
    const error = bayeuxError('channel_forbidden', '/meta/x');
    expect(error).toBeInstanceOf(BayeuxError);
    expect(error).toMatchObject({ name: 'BayeuxError', reason: 'channel_forbidden', code: 403, args: ['/meta/x'] });
    expect(error.message).toBe('403:/meta/x:channel_forbidden');
    expect(error.wire).toBe(error.message);
    expect(parseBayeuxError(error.wire)?.name).toBe('channel_forbidden');
  });

  it('[PROTO-25] anything thrown becomes a protocol error; a BayeuxError stays itself', () => {
    const own = bayeuxError('rate_limited', '5');
    expect(toBayeuxError(own)).toBe(own);
    for (const thrown of [new Error('boom'), 'text', undefined, { code: 402 }]) expect(toBayeuxError(thrown).wire).toBe('500::server_error');
  });
});
