import { StreamWeaveError } from '@streamweave/core';
import { authenticationFailure, connectError, isAuthenticationFailure, KafkaAuthenticationError } from './connectErrors.js';

/** Errors shaped like kafkajs' (name, message, `type`, wrapped `cause` / `originalError`). */
function kafkajsError(name: string, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name }, extra);
}

const attempt = { broker: '127.0.0.1:9192', mechanism: 'scram-sha-256', username: 'alice' };
const component = { type: 'kafkaSink', id: 'out' } as const;

describe('authenticationFailure', () => {
  it('turns a SASL authentication error into one naming broker, mechanism, user and the broker\'s reason (kafkajs prefix dropped)', () => {
    const cause = kafkajsError('KafkaJSSASLAuthenticationError', 'SASL SCRAM SHA256 authentication failed: bad credentials');
    const e = authenticationFailure(cause, attempt)!;
    expect(e).toBeInstanceOf(KafkaAuthenticationError);
    expect(e).toBeInstanceOf(StreamWeaveError);
    expect(e.name).toBe('KafkaAuthenticationError');
    expect(e.message).toBe('authentication failed at Kafka 127.0.0.1:9192 (SASL SCRAM-SHA-256, user "alice"): bad credentials');
    expect(e.broker).toBe('127.0.0.1:9192');
    expect(e.reason).toBe('bad credentials');
    expect(e.cause).toBe(cause);
  });

  it('finds it inside wrapping errors (cause, originalError)', () => {
    const inner = kafkajsError('KafkaJSSASLAuthenticationError', 'SASL PLAIN authentication failed: nope');
    const viaOriginal = kafkajsError('KafkaJSNonRetriableError', 'wrapped', { originalError: inner });
    const outer = new Error('outer', { cause: viaOriginal });
    expect(authenticationFailure(outer, { broker: 'b:1' })?.message).toBe('authentication failed at Kafka b:1: nope');
  });

  it('maps SASL protocol errors, with a hint for a handshake sent to a listener without SASL', () => {
    const illegal = kafkajsError('KafkaJSProtocolError', 'Request is not valid given the current SASL state', { type: 'ILLEGAL_SASL_STATE' });
    expect(authenticationFailure(illegal, { broker: 'b:1', username: 'u' })?.message).toBe(
      'authentication failed at Kafka b:1 (user "u"): Request is not valid given the current SASL state ' +
        '(ILLEGAL_SASL_STATE: the broker did not expect a SASL handshake (is this a PLAINTEXT listener?))',
    );
    const unsupported = kafkajsError('KafkaJSProtocolError', 'The broker does not support the requested SASL mechanism', { type: 'UNSUPPORTED_SASL_MECHANISM' });
    expect(authenticationFailure(unsupported, { broker: 'b:1', mechanism: 'scram-sha-512' })?.message).toBe(
      'authentication failed at Kafka b:1 (SASL SCRAM-SHA-512): The broker does not support the requested SASL mechanism (UNSUPPORTED_SASL_MECHANISM)',
    );
  });

  it('returns an authentication error as it is, and undefined for anything else', () => {
    const already = new KafkaAuthenticationError(attempt, 'r', undefined);
    expect(authenticationFailure(already, { broker: 'other' })).toBe(already);
    expect(authenticationFailure(kafkajsError('KafkaJSConnectionError', 'Connection error: ECONNREFUSED'), attempt)).toBeUndefined();
    expect(authenticationFailure(kafkajsError('KafkaJSProtocolError', 'x', { type: 'UNKNOWN_TOPIC_OR_PARTITION' }), attempt)).toBeUndefined();
    expect(authenticationFailure('a string', attempt)).toBeUndefined();
    expect(isAuthenticationFailure(kafkajsError('KafkaJSSASLAuthenticationError', 'x'))).toBe(true);
    expect(isAuthenticationFailure(new Error('ECONNREFUSED'))).toBe(false);
  });
});

describe('connectError', () => {
  it('says authentication failed (not "cannot connect") for an authentication failure', () => {
    const cause = new KafkaAuthenticationError(attempt, 'bad credentials', undefined);
    const e = connectError('kafkaSink', ['127.0.0.1:9192', '127.0.0.1:9194'], component, cause);
    expect(e.message).toBe('[kafkaSink "out"] kafkaSink: authentication failed at Kafka 127.0.0.1:9192 (SASL SCRAM-SHA-256, user "alice"): bad credentials');
    expect(e.cause).toBe(cause);
    expect(e.component).toBe(component);
  });

  it('names every bootstrap broker and the cause otherwise', () => {
    const e = connectError('kafkaSource', ['a:1', 'b:2'], undefined, new Error('ECONNREFUSED'));
    expect(e.message).toBe('kafkaSource: cannot connect to Kafka at a:1,b:2: ECONNREFUSED');
  });
});
