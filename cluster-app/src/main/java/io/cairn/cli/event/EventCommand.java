package io.cairn.cli.event;

import picocli.CommandLine.Command;

@Command(
    name = "event",
    mixinStandardHelpOptions = true,
    description = "Streamr events: sign them as their publisher, verify signed ones.",
    subcommands = {SignEventCommand.class, VerifyEventCommand.class})
public final class EventCommand {}
