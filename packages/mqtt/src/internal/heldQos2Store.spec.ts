import type { IPublishPacket } from 'mqtt';
import { HeldQos2Store } from './heldQos2Store.js';

const publish = (messageId: number, qos: 0 | 1 | 2): IPublishPacket => ({ cmd: 'publish', messageId, qos, dup: false, retain: false, topic: 't', payload: Buffer.from(`m${messageId}`) });

describe('the QoS 2 incoming store of mqttSource (no broker)', () => {
  it('holds the PUBREC of a QoS 2 PUBLISH until released, stores it then, and does not hand a resent PUBLISH over twice', () => {
    const held: Array<[number, () => void]> = [];
    const store = new HeldQos2Store((p, release) => void held.push([p.messageId!, release]));
    const acked: number[] = [];
    store.put(publish(7, 2), () => void acked.push(7));
    expect(held.map(([id]) => id)).toEqual([7]);
    expect(acked).toEqual([]);
    const found: Array<string | undefined> = [];
    store.get({ messageId: 7 }, (e) => void found.push(e?.message));
    held[0]![1]();
    expect(acked).toEqual([7]);
    store.get({ messageId: 7 }, (e, p) => void found.push(e?.message ?? (p as IPublishPacket).payload.toString()));
    expect(found).toEqual(['missing packet', 'm7']);
    // Its PUBREC lost with a connection, the broker resends the PUBLISH: stored again at once, not handed over.
    store.put({ ...publish(7, 2), dup: true }, () => void acked.push(70));
    expect(acked).toEqual([7, 70]);
    expect(held).toHaveLength(1);
    // Other packets (the store only sees QoS 2 publishes from mqtt.js, but stays a store) are stored at once.
    store.put(publish(8, 1), () => void acked.push(8));
    expect(acked).toEqual([7, 70, 8]);
    expect(held).toHaveLength(1);
  });
});
