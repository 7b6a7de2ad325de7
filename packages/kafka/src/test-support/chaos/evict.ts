/**
 * Removes every member of a consumer group at once (LeaveGroup on the members' behalf, as the
 * Java AdminClient's `removeMembersFromConsumerGroup` and `kafka-streams-application-reset
 * --force` do since KIP-571). A SIGKILLed member otherwise holds its partitions until its
 * session times out (6 s at least on a default broker), which would make a hundred restarts
 * take ten minutes. kafkajs has no admin call for this, so this test helper reaches its
 * (private) cluster; the broker neither knows nor cares who sends the LeaveGroup.
 */
import { Kafka, logLevel } from 'kafkajs';

interface Coordinator {
  describeGroups(r: { groupIds: string[] }): Promise<{ groups: Array<{ members: Array<{ memberId: string }> }> }>;
  leaveGroup(r: { groupId: string; memberId: string }): Promise<unknown>;
}
interface Cluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  findGroupCoordinator(r: { groupId: string }): Promise<Coordinator>;
}

/** A connection that evicts the members of consumer groups. */
export interface GroupEvictor {
  /** Removes every current member of `groupId`; resolves to how many there were. */
  evictAll(groupId: string): Promise<number>;
  close(): Promise<void>;
}

export async function groupEvictor(brokers: readonly string[]): Promise<GroupEvictor> {
  const kafka = new Kafka({ clientId: 'streamweave-chaos-evictor', brokers: [...brokers], logLevel: logLevel.NOTHING });
  const create = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  if (!create) throw new Error('kafkajs internals changed: no private createCluster');
  const cluster = (kafka as unknown as Record<symbol, (o: object) => Cluster>)[create]!({});
  await cluster.connect();
  return {
    async evictAll(groupId) {
      const coordinator = await cluster.findGroupCoordinator({ groupId });
      const { groups } = await coordinator.describeGroups({ groupIds: [groupId] });
      const members = groups[0]?.members ?? [];
      for (const m of members) await coordinator.leaveGroup({ groupId, memberId: m.memberId });
      return members.length;
    },
    close: () => cluster.disconnect(),
  };
}
