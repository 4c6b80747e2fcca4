import { AssignerProtocol, PartitionAssigner } from 'kafkajs';

/**
 * Assigns partition p of EVERY subscribed topic to the same member. Topics are keyed by customer account id
 * and have equal partition counts, so one worker sees all of a customer's inputs and owns partition p of the
 * service's own event topic. (kafkajs's round-robin assigner would split partition p of two topics across members.)
 */
export const CoPartitionedAssigner: PartitionAssigner = ({ cluster }) => ({
  name: 'CoPartitioned',
  version: 1,
  async assign({ members, topics }) {
    const partitionCounts = topics.map((topic) => cluster.findTopicPartitionMetadata(topic).length);
    const partitions = Math.max(0, ...partitionCounts);
    const memberIds = members.map((m) => m.memberId).sort();
    const assignment: Record<string, Record<string, number[]>> = {};
    for (const id of memberIds) assignment[id] = {};
    for (let p = 0; p < partitions; p++) {
      const owner = memberIds[p % memberIds.length];
      topics.forEach((topic, i) => {
        if (p < partitionCounts[i]) (assignment[owner][topic] ??= []).push(p);
      });
    }
    return memberIds.map((memberId) => ({
      memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 1, assignment: assignment[memberId], userData: Buffer.alloc(0) }),
    }));
  },
  protocol({ topics }) {
    return { name: 'CoPartitioned', metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.alloc(0) }) };
  },
});
