package io.spore.cli;

import io.spore.cli.daemon.ConfigLoader;
import io.spore.cli.daemon.DaemonConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

@Command(name = "config", header = "Show the daemon's effective configuration.",
        subcommands = ConfigCommand.Show.class)
final class ConfigCommand implements Runnable {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override public void run() { spec.commandLine().usage(spec.commandLine().getOut()); }

    @Command(name = "show", header = "Print the configuration a daemon started now would use (file, environment, flags).")
    static final class Show extends BaseCommand {
        @Option(names = "--config", paramLabel = "FILE", description = "The config file (default /etc/spore/config.yaml; env SPORE_CONFIG).")
        Path config;

        @Override
        public Integer call() {
            DaemonConfig cfg = ConfigLoader.load(DaemonCommand.flags(spec, config, List.of(), List.of()), System.getenv());
            if (json()) out().println(Json.write(cfg.toMap()));
            else out().print(ConfigLoader.toYaml(cfg));
            out().flush();
            return ExitCode.OK;
        }
    }
}
