package io.spore.nspawn;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Records the argument lists it is given; answers from a rule (default: success, no output). */
final class FakeRunner implements ProcessRunner {
    final List<List<String>> calls = new ArrayList<>();
    final List<String> stdins = new ArrayList<>();
    Function<List<String>, Result> rule = argv -> new Result(0, "", "");

    @Override
    public Result run(List<String> argv, String stdin) {
        calls.add(argv);
        stdins.add(stdin);
        return rule.apply(argv);
    }

    @Override
    public long spawn(List<String> argv, Path log) {
        calls.add(argv);
        return -1;
    }

    @Override
    public int interactive(List<String> argv, ProcessBuilder.Redirect out, ProcessBuilder.Redirect err) {
        calls.add(argv);
        return 0;
    }

    List<String> joined() {
        return calls.stream().map(c -> String.join(" ", c)).toList();
    }
}
