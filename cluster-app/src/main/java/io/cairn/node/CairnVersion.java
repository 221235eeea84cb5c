package io.cairn.node;

/** The version of this build, as the node reports it and the CLI prints it. */
public final class CairnVersion {
  private CairnVersion() {}

  /** The jar's Implementation-Version; "development" when run from classes, not the jar. */
  public static String current() {
    String version = CairnVersion.class.getPackage().getImplementationVersion();
    return version == null ? "development" : version;
  }
}
