package io.spore.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

@Command(name = "run", mixinStandardHelpOptions = true, header = "Run one command in an image without booting it.",
        description = {"No init is booted; the writes go to a throw-away layer; the host's network is shared.",
                "For now the image must be a local directory given with --lower DIR;",
                "running from a key needs the daemon and is not wired yet."})
final class RunCommand extends BaseCommand {
    @Option(names = "--lower", paramLabel = "DIR", description = "The local root directory to run in.")
    Path lower;

    @Option(names = "--bind", paramLabel = "SRC[:DST]", description = "Bind a host directory in (repeatable).")
    List<String> binds = new ArrayList<>();

    @Parameters(paramLabel = "[KEY] -- CMD", description = "The command (after --); an image key before it is not wired yet.")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        // Positionals before "--" are a key, after it the command: picocli gives them as one list.
        List<String> orig = spec.commandLine().getParseResult().originalArgs();
        int dd = orig.indexOf("--");
        int after = dd < 0 ? 0 : orig.size() - dd - 1;
        List<String> key = args.subList(0, args.size() - after);
        List<String> cmd = args.subList(args.size() - after, args.size());
        if (!key.isEmpty() && lower == null) {
            throw new UserException("running from a key needs the daemon: not wired yet; give a local root directory with --lower DIR");
        }
        if (lower == null || !key.isEmpty() || cmd.isEmpty()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "usage: container run --lower DIR -- CMD [ARG...]");
        }
        return MachinesAccess.open(this).run(lower, binds, cmd, ProcessBuilder.Redirect.INHERIT, ProcessBuilder.Redirect.INHERIT);
    }
}
