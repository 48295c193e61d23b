package io.spore.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

/** Whether the user typed an option (as opposed to its default), for config precedence. */
final class Given {
    private Given() {}

    static boolean option(CommandSpec spec, String name) {
        for (ParseResult pr = spec.root().commandLine().getParseResult(); pr != null; pr = pr.subcommand()) {
            if (pr.hasMatchedOption(name)) return true;
        }
        return false;
    }
}
