package io.cairn.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.protocol.api.v1.SealTask;
import io.cairn.protocol.event.PrivateKeySigner;
import org.junit.jupiter.api.Test;

/**
 * An agent seals only what it derives itself: a task whose replica id is not the one its fields
 * give (a node that lies about whose replica it is, or for which job, slot or tree) is refused.
 */
class SealAssignmentTest {
  private final SealFixture fixture = new SealFixture(20);
  private final byte[] job = new byte[32];
  private final PrivateKeySigner hoster = PrivateKeySigner.generate();

  @Test
  void aTaskAsTheClusterDerivesItIsTaken() {
    SealAssignment assignment =
        SealAssignment.of(fixture.task(hoster.address(), AgentRole.HOSTER, job, 3));
    assertEquals(hoster.address(), assignment.hoster());
    assertEquals(AgentRole.HOSTER, assignment.role());
    assertEquals(3, assignment.slot());
    assertEquals(20, assignment.treeLength());
  }

  @Test
  void aTaskWithoutATreeLengthIsVerifiedAtItsRangesEnd() {
    SealTask fromAnOlderNode =
        fixture.task(hoster.address(), AgentRole.HOSTER, job, 0).toBuilder()
            .clearTreeLength()
            .build();
    assertEquals(20, SealAssignment.of(fromAnOlderNode).treeLength());
  }

  @Test
  void aReplicaIdItsFieldsDoNotDeriveIsRefused() {
    SealTask honest = fixture.task(hoster.address(), AgentRole.HOSTER, job, 0);
    for (SealTask lie :
        new SealTask[] {
          honest.toBuilder().setReplicaId("0x" + "ab".repeat(32)).build(),
          honest.toBuilder().setSlot(1).build(),
          honest.toBuilder().setHoster(PrivateKeySigner.generate().address().value()).build(),
          honest.toBuilder().setRangeEnd(honest.getRangeEnd() - 1).build(),
          honest.toBuilder().setTreeHash("00".repeat(32)).build(),
        }) {
      IllegalArgumentException refused =
          assertThrows(IllegalArgumentException.class, () -> SealAssignment.of(lie));
      assertTrue(refused.getMessage().contains("is not the one its fields derive"), lie.toString());
    }
  }

  @Test
  void malformedTasksAreRefused() {
    SealTask honest = fixture.task(hoster.address(), AgentRole.HOSTER, job, 0);
    assertThrows(
        IllegalArgumentException.class,
        () -> SealAssignment.of(honest.toBuilder().setRole("READER").build()));
    assertThrows(
        IllegalArgumentException.class,
        () -> SealAssignment.of(honest.toBuilder().setCoreKey("00").build()));
    assertThrows(
        IllegalArgumentException.class,
        () -> SealAssignment.of(honest.toBuilder().setRangeEnd(0).build()));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            SealAssignment.of(honest.toBuilder().setTreeLength(honest.getRangeEnd() - 1).build()));
  }
}
