package io.cairn.protocol.hypercore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The vectors the tests carry are the JavaScript reference's, byte for byte. */
class VectorsCopyTest {
  @Test
  void theCopyIsTheSharedOriginal() throws Exception {
    Path shared = HypercoreVectors.shared().orElse(null);
    Assumptions.assumeTrue(
        shared != null,
        "no " + HypercoreVectors.SHARED + " beside this checkout to compare the test copy with");
    assertArrayEquals(
        Files.readAllBytes(shared),
        HypercoreVectors.bytes(),
        "protocol/src/test/resources" + HypercoreVectors.RESOURCE + " differs from " + shared);
  }
}
