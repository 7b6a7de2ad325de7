/**
 * `@streamweave/mqtt` — MQTT through mqtt.js: a pull-driven source (QoS 0/1/2,
 * persistent sessions, shared subscriptions, wildcards, retained messages, acks
 * delayed until the pipeline takes a message, an optional write-ahead journal that makes it
 * replayable under checkpoints) and a publishing sink.
 *
 * @packageDocumentation
 */
export { mqttSource, type MqttJournalOptions, type MqttMessage, type MqttSource, type MqttSourceOptions, type QoS } from './mqttSource.js';
export { mqttSink, type MqttSinkOptions, type MqttSinkResult } from './mqttSink.js';
