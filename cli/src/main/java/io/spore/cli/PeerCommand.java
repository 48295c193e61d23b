package io.spore.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code container peer ...}: this node's libp2p identity and checks against other peers. */
@Command(name = "peer",
        header = "Show this node's peer id; ping other peers.",
        synopsisSubcommandLabel = "COMMAND",
        subcommands = {
                PeerIdCommand.class,
                PeerPingCommand.class,
                PeerFindCommand.class,
        })
final class PeerCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
