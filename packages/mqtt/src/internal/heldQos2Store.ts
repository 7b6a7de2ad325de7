/**
 * The incoming-message store `mqttSource` gives mqtt.js, so a QoS 2 message is acknowledged
 * (PUBREC) only once the pipeline took it, like a QoS 1 message (PUBACK).
 *
 * Why: mqtt.js answers a QoS 2 PUBLISH with PUBREC as soon as it stored the message, and calls
 * `handleMessage` only at the broker's PUBREL. After PUBREC the broker no longer resends the
 * PUBLISH, only the PUBREL; the default store lives in memory, so a run that stopped (or a
 * process that died) before taking the message answers the next session's PUBREL with PUBCOMP
 * and the message is lost (measured: the 8 untaken of 10 messages). mqtt.js sends the PUBREC
 * from the callback of `put`, and reads the next packet only after it: holding that callback
 * until the pipeline takes the message both keeps the broker's copy and pushes back.
 */
import mqtt, { type IPublishPacket } from 'mqtt';

type Packet = Parameters<mqtt.Store['put']>[0];
type Done = Parameters<mqtt.Store['put']>[1];

/**
 * An mqtt.js store whose `put` of a QoS 2 PUBLISH hands the message to `hold` with a `release`
 * that stores it and lets mqtt.js send the PUBREC. A PUBLISH resent for a message already
 * stored (its PUBREC was lost with a connection) is stored again at once, not handed over twice.
 */
export class HeldQos2Store extends mqtt.Store {
  constructor(private readonly hold: (packet: IPublishPacket, release: () => void) => void) {
    super();
  }

  override put(packet: Packet, cb: Done): this {
    if (packet.cmd !== 'publish' || packet.qos !== 2) return super.put(packet, cb);
    let stored = false;
    super.get(packet, (e) => (stored = e === null || e === undefined));
    if (stored) return super.put(packet, cb);
    this.hold(packet, () => void super.put(packet, cb));
    return this;
  }
}
