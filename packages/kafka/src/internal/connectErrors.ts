/**
 * Turns a client's connect failure into the StreamWeaveError a connector throws, and
 * recognises authentication failures so they say so (instead of "cannot connect").
 * kafkaClient.ts classifies kafkajs' errors here; the connectors only see
 * {@link KafkaAuthenticationError}, so another client can raise it too.
 */
import { type ComponentRef, StreamWeaveError } from '@streamweave/core';

/** What {@link authenticationFailure} knows about the attempt, for the message. */
export interface AuthenticationAttempt {
  /** The broker that refused (`host:port`), or every bootstrap broker when the client did not say which. */
  readonly broker: string;
  /** The SASL mechanism the client used (`plain`, `scram-sha-256`...), when it used one. */
  readonly mechanism?: string | undefined;
  /** The user the client authenticated as. */
  readonly username?: string | undefined;
}

/**
 * A broker refused the client's credentials (or its SASL handshake). Thrown by the client's
 * connect; the message names the broker, the mechanism and user, and the broker's reason.
 */
export class KafkaAuthenticationError extends StreamWeaveError {
  override readonly name = 'KafkaAuthenticationError';
  /** The broker that refused (`host:port`, or the bootstrap list). */
  readonly broker: string;
  /** The broker's reason, as the client reported it. */
  readonly reason: string;

  constructor(attempt: AuthenticationAttempt, reason: string, cause: unknown) {
    const how = [attempt.mechanism ? `SASL ${attempt.mechanism.toUpperCase()}` : undefined, attempt.username !== undefined ? `user "${attempt.username}"` : undefined]
      .filter((s) => s !== undefined)
      .join(', ');
    super(`authentication failed at Kafka ${attempt.broker}${how ? ` (${how})` : ''}: ${reason}`);
    this.broker = attempt.broker;
    this.reason = reason;
    // Not through super's options: the message would repeat the cause's text.
    Object.defineProperty(this, 'cause', { value: cause, enumerable: false, writable: true, configurable: true });
  }
}

/** Protocol errors that mean "this listener and this client disagree about SASL". */
const saslProtocolErrors: Readonly<Record<string, string>> = {
  ILLEGAL_SASL_STATE: 'the broker did not expect a SASL handshake (is this a PLAINTEXT listener?)',
  SASL_AUTHENTICATION_FAILED: '',
  UNSUPPORTED_SASL_MECHANISM: '',
};

/** kafkajs prefixes the broker's reason with its own ("SASL PLAIN authentication failed: ..."). */
const kafkajsPrefix = /^SASL [A-Z0-9 -]+ authentication failed: /i;

/**
 * The {@link KafkaAuthenticationError} for a kafkajs error, or undefined when `error` is not
 * about authentication. Looks through wrapped errors (`cause`, kafkajs' `originalError`).
 */
export function authenticationFailure(error: unknown, attempt: AuthenticationAttempt): KafkaAuthenticationError | undefined {
  let e: unknown = error;
  for (let depth = 0; depth < 5 && e instanceof Error; depth++) {
    if (e instanceof KafkaAuthenticationError) return e;
    const type = (e as { type?: unknown }).type;
    if (e.name === 'KafkaJSSASLAuthenticationError') return new KafkaAuthenticationError(attempt, e.message.replace(kafkajsPrefix, ''), error);
    if (typeof type === 'string' && type in saslProtocolErrors) {
      const hint = saslProtocolErrors[type];
      return new KafkaAuthenticationError(attempt, `${e.message} (${type}${hint ? `: ${hint}` : ''})`, error);
    }
    e = (e as { cause?: unknown }).cause ?? (e as { originalError?: unknown }).originalError;
  }
  return undefined;
}

/** Whether `error` (or an error it wraps) is an authentication failure. */
export const isAuthenticationFailure = (error: unknown): boolean => authenticationFailure(error, { broker: '' }) !== undefined;

/**
 * The error a connector throws when its client cannot connect: an authentication failure says
 * `<who>: authentication failed at Kafka <broker> (...): <reason>`, anything else
 * `<who>: cannot connect to Kafka at <brokers>: <cause>`.
 */
export function connectError(who: string, brokers: readonly string[], component: ComponentRef | undefined, cause: unknown): StreamWeaveError {
  if (cause instanceof KafkaAuthenticationError) return new StreamWeaveError(who, { component, cause });
  return new StreamWeaveError(`${who}: cannot connect to Kafka at ${brokers.join(',')}`, { component, cause });
}
