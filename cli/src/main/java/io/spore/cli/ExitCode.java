package io.spore.cli;

/** Exit codes, as picocli documents them: 0 done, 1 failed, 2 the command line was wrong. */
final class ExitCode {
    static final int OK = 0;
    static final int FAILURE = 1;
    static final int USAGE = 2;

    private ExitCode() {}
}
