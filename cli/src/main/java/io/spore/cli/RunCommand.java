package io.spore.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

@Command(name = "run", mixinStandardHelpOptions = true, header = "Run one command in an image without booting it.",
        description = {"No init is booted; the writes go to a throw-away layer; the host's network is shared.",
                "The daemon mounts the image lazily (KEY); --lower DIR runs in a local root directory instead."})
final class RunCommand extends BaseCommand {
    @Option(names = "--lower", paramLabel = "DIR", description = "The local root directory to run in.")
    Path lower;

    @Option(names = "--bind", paramLabel = "SRC[:DST]", description = "Bind a host directory in (repeatable).")
    List<String> binds = new ArrayList<>();

    @Parameters(paramLabel = "[KEY] -- CMD", description = "The image key (bafy...), then the command after --.")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        // Positionals before "--" are a key, after it the command: picocli gives them as one list.
        List<String> orig = spec.commandLine().getParseResult().originalArgs();
        int dd = orig.indexOf("--");
        int after = dd < 0 ? 0 : orig.size() - dd - 1;
        List<String> key = args.subList(0, args.size() - after);
        List<String> cmd = args.subList(args.size() - after, args.size());
        if (key.size() > 1 || (key.isEmpty() == (lower == null)) || cmd.isEmpty()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "usage: container run KEY -- CMD [ARG...]  (or --lower DIR -- CMD)");
        }
        var machines = MachinesAccess.open(this);
        if (lower != null) return machines.run(lower, binds, cmd, ProcessBuilder.Redirect.INHERIT, ProcessBuilder.Redirect.INHERIT);
        DaemonImages images = new DaemonImages(socket());
        DaemonImages.Mounted mounted = images.mount(key.get(0), false);
        try {
            return machines.run(mounted.dir(), binds, cmd, ProcessBuilder.Redirect.INHERIT, ProcessBuilder.Redirect.INHERIT);
        } finally {
            try {
                images.releaseIfUnused(mounted.dir(), machines);
            } catch (RuntimeException ignored) {
                // the mount stays until 'container unmount'; the command's own exit status matters more
            }
        }
    }
}
