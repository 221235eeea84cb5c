package io.cairn.cli.contracts;

import picocli.CommandLine.Command;

@Command(
    name = "contracts",
    mixinStandardHelpOptions = true,
    description = "The ledger's contracts on an Ethereum chain: deploy them for a cluster.",
    subcommands = {DeployContractsCommand.class})
public final class ContractsCommand {}
