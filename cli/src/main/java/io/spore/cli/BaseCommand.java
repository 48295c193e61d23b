package io.spore.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** What every subcommand needs: the global options and where to print. */
abstract class BaseCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    final ContainerCommand root() {
        return (ContainerCommand) spec.root().userObject();
    }

    final Path dataDir() { return root().dataDir; }

    final Path socket() { return root().socket; }

    final boolean json() { return root().json; }

    final PrintWriter out() { return spec.commandLine().getOut(); }

    final PrintWriter err() { return spec.commandLine().getErr(); }
}
