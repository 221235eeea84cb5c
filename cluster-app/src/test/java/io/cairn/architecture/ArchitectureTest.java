package io.cairn.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.security.SecureRandom;
import java.util.Random;
import org.apache.pekko.serialization.Serializer;

/**
 * The rules docs/architecture.md states, checked on the main classes of every module: a rule broken
 * fails {@code mvn verify}.
 */
@AnalyzeClasses(
    packages = "io.cairn",
    importOptions = {ImportOption.DoNotIncludeTests.class, ArchitectureTest.NoTestJars.class})
class ArchitectureTest {
  /** The modules' test-jars (shared test fixtures) are tests too, wherever Maven puts them. */
  static final class NoTestJars implements ImportOption {
    @Override
    public boolean includes(Location location) {
      return !location.contains("-tests.jar") && !location.contains("/test-classes/");
    }
  }

  /** Every package of Cairn's own, each a slice: dependencies between them point one way. */
  @ArchTest
  static final ArchRule noPackageCycles =
      slices().matching("io.cairn.(**)").should().beFreeOfCycles();

  /** The formats and the SDK run without an actor system: a client never pulls in Pekko. */
  @ArchTest
  static final ArchRule protocolAndClientAreFreeOfPekko =
      noClasses()
          .that()
          .resideInAnyPackage("io.cairn.protocol..", "io.cairn.client..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("org.apache.pekko..", "akka..");

  /** Routes and WebSocket handlers map public API types; journal formats stay behind them. */
  @ArchTest
  static final ArchRule apiDoesNotUseSerializers =
      noClasses()
          .that()
          .resideInAPackage("io.cairn.api..")
          .should()
          .dependOnClassesThat()
          .areAssignableTo(Serializer.class);

  /**
   * Cluster and journal messages (io.cairn.cluster.proto) are the serializers' business: domain
   * code and the API see entity records and public API messages only.
   */
  @ArchTest
  static final ArchRule clusterProtobufStaysInSerializers =
      noClasses()
          .that()
          .resideOutsideOfPackage("io.cairn.cluster.proto..")
          .and()
          .haveNameNotMatching(".*(Serializer|Mapper)(\\$.*)?")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.cairn.cluster.proto..");

  /**
   * Randomness that decides anything comes from one place, {@code io.cairn.protocol.Randomness}:
   * one strong generator to review, and no unseeded draw hidden in an event or command path.
   */
  @ArchTest
  static final ArchRule randomnessComesFromOnePlace =
      noClasses()
          .that()
          .doNotHaveFullyQualifiedName("io.cairn.protocol.Randomness")
          .should()
          .callConstructor(SecureRandom.class)
          .orShould()
          .callMethod(SecureRandom.class, "getInstanceStrong")
          .orShould()
          .callMethod(Math.class, "random")
          .orShould()
          .callConstructor(Random.class)
          .orShould()
          .callConstructor(Random.class, long.class);
}
