package io.spore.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.nio.file.Path;

/** The top-level {@code container} command: global options and the list of subcommands. */
@Command(name = "container",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        header = "Live-boot containers from a peer-to-peer network.",
        synopsisSubcommandLabel = "COMMAND",
        commandListHeading = "%nCommands:%n",
        footer = {"", "Run 'container COMMAND --help' for the options of one command."},
        subcommands = {
                // One line per command, in the order --help shows them.
                DemoCommand.class,
                ShareCommand.class,
                ImportCommand.class,
                ExportCommand.class,
                VerifyCommand.class,
                InspectCommand.class,
                DaemonCommand.class,
                PullCommand.class,
                NameCommand.class,
                PublishCommand.class,
                PinCommand.class,
                GcCommand.class,
                BlockCommand.class,
                ConfigCommand.class,
                MountCommand.class,
                UnmountCommand.class,
                MountsCommand.class,
                BootCommand.class,
                LsCommand.class,
                StopCommand.class,
                StartCommand.class,
                RmCommand.class,
                LogsCommand.class,
                SshCommand.class,
                ShellCommand.class,
                RunCommand.class,
                PeerCommand.class,
                VmCommand.class,
                OsCommand.class,
        })
final class ContainerCommand implements Runnable {
    static final Path DEFAULT_DATA_DIR = Path.of("/var/lib/spore");
    static final Path DEFAULT_SOCKET = Path.of("/run/spore/control.sock");

    @Spec CommandSpec spec;

    @Option(names = "--data-dir", scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "Where blocks, pins and machines live (default: ${DEFAULT-VALUE}; env SPORE_DATA_DIR).",
            defaultValue = "${env:SPORE_DATA_DIR:-/var/lib/spore}")
    Path dataDir;

    @Option(names = "--socket", scope = ScopeType.INHERIT, paramLabel = "PATH",
            description = "The daemon's control socket (default: ${DEFAULT-VALUE}; env SPORE_SOCKET).",
            defaultValue = "${env:SPORE_SOCKET:-/run/spore/control.sock}")
    Path socket;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "Print machine-readable JSON.")
    boolean json;

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Print stack traces of errors.")
    boolean debug;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
