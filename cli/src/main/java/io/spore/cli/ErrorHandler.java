package io.spore.cli;

import picocli.CommandLine;

import java.io.PrintWriter;

/**
 * Turns any failure into one line on stderr and exit code 1. The user sees what went wrong and
 * what to do; the stack trace is kept for {@code --debug}, because it helps us, not them.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        err.println("container: error: " + describe(e));
        if (debug(cl)) e.printStackTrace(err);
        err.flush();
        return ExitCode.FAILURE;
    }

    static String describe(Throwable e) {
        String msg = e.getMessage();
        if (e instanceof UserException || (msg != null && !msg.isBlank() && !(e instanceof RuntimeException && isBug(e)))) {
            return oneLine(msg);
        }
        return e.getClass().getSimpleName() + (msg == null ? "" : ": " + oneLine(msg))
                + " (an internal error: run again with --debug and report the trace)";
    }

    private static boolean isBug(Throwable e) {
        return e instanceof NullPointerException || e instanceof ClassCastException
                || e instanceof IndexOutOfBoundsException || e instanceof IllegalStateException && e.getMessage() == null;
    }

    private static String oneLine(String s) {
        return s.replace('\n', ' ').replace('\r', ' ').strip();
    }

    private static boolean debug(CommandLine cl) {
        return cl.getCommandSpec().root().userObject() instanceof ContainerCommand c && c.debug;
    }
}
