package io.cairn.cli.core;

import picocli.CommandLine.Command;

@Command(
    name = "core",
    mixinStandardHelpOptions = true,
    description =
        "Hypercore logs: create one, append to it, read verified blocks, check the format.",
    subcommands = {
      CreateCoreCommand.class,
      AppendCoreCommand.class,
      GetCoreCommand.class,
      CoreInfoCommand.class,
      VectorsCommand.class
    })
public final class CoreCommand {}
