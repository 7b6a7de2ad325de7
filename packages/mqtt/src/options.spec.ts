import { InvalidArgumentError } from '@streamweave/core';
import { mqttSink, mqttSource } from './index.js';

describe('@streamweave/mqtt option checks', () => {
  it.each([
    [() => mqttSource(undefined as never), 'mqttSource: options must be an object'],
    [() => mqttSource({ topics: [] }), 'mqttSource: `topics` must be a non-empty topic filter or a non-empty array of them'],
    [() => mqttSource({ topics: '' }), 'mqttSource: `topics` must be a non-empty topic filter or a non-empty array of them'],
    [() => mqttSource({ topics: 't', qos: 3 as never }), 'mqttSource: `qos` must be 0, 1 or 2, got 3'],
    [() => mqttSource({ topics: 't', decode: 'json' as never }), 'mqttSource: `decode` must be a function'],
    [
      () => mqttSource({ topics: 't', clientOptions: { incomingStore: {} as never } }),
      'mqttSource: `clientOptions.incomingStore` cannot be set: the source uses its own, so a QoS 2 message is acknowledged (PUBREC) only once the pipeline took it',
    ],
    [() => mqttSink(null as never), 'mqttSink: options must be an object'],
    [() => mqttSink({ topic: '' }), 'mqttSink: `topic` must be a non-empty string or a function of the item'],
    [() => mqttSink({ topic: 't', qos: -1 as never }), 'mqttSink: `qos` must be 0, 1 or 2, got -1'],
    [() => mqttSink({ topic: 't', maxInflight: 0 }), 'mqttSink: `maxInflight` must be a positive integer, got 0'],
  ])('rejects bad options (%#)', (make, message) => {
    expect(make).toThrow(InvalidArgumentError);
    expect(make).toThrow(message);
  });

  it('describes itself without the credentials of the URL', () => {
    expect(mqttSource({ url: 'mqtt://user:secret@broker:1883', topics: ['a/#'] }).descriptor.params).toEqual({ url: 'mqtt://broker:1883', topics: ['a/#'], qos: 1, clean: true });
    expect(mqttSource({ topics: 'a', clientId: 'x' }).descriptor.params).toMatchObject({ clean: false });
    expect(mqttSink({ url: 'mqtts://u:p@b', topic: 't', qos: 2, retain: true }).descriptor.params).toEqual({ url: 'mqtts://b', qos: 2, retain: true });
  });
});
