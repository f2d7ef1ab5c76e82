package org.petuum.bench.jmh;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.petuum.bench.RunFacts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bench jmh}: the JMH microbenchmarks of this package ({@link SparseAddAllBench}, {@link SparseCodecBench}),
 * each in one forked JVM with short iterations, so that the whole set takes a few minutes. JMH forks with this JVM's
 * classpath and options.
 */
@Command(name = "jmh", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"JMH microbenchmarks of the data plane's hot loops: SparseRow.addAll and the sparse codec.",
                "", "Prints JMH's table (average time per call); the benchmarks' javadoc says what a call is."})
public final class JmhCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "REGEX",
            description = "Benchmarks to run, as JMH regular expressions over their names (default: all of them).")
    String[] include = {SparseAddAllBench.class.getSimpleName(), SparseCodecBench.class.getSimpleName()};

    @Option(names = "--param", paramLabel = "NAME=V1,V2", description = "Overrides a @Param, e.g. stored=256 "
            + "(repeatable).")
    String[] params = {};

    @Option(names = "--iterations", defaultValue = "3", paramLabel = "N",
            description = "Measured iterations per benchmark (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--warmup-iterations", defaultValue = "2", paramLabel = "N",
            description = "Warm-up iterations per benchmark (default: ${DEFAULT-VALUE}).")
    int warmupIterations;

    @Option(names = "--iteration-ms", defaultValue = "500", paramLabel = "MS",
            description = "Length of an iteration in milliseconds (default: ${DEFAULT-VALUE}).")
    int iterationMs;

    @Option(names = "--forks", defaultValue = "1", paramLabel = "N",
            description = "Forked JVMs per benchmark (default: ${DEFAULT-VALUE}).")
    int forks;

    @Option(names = "--csv", paramLabel = "FILE", description = "Also writes JMH's results as CSV to FILE.")
    String csv;

    @Override
    public Integer call() throws RunnerException {
        check("--iterations", iterations, 1, 1000);
        check("--warmup-iterations", warmupIterations, 0, 1000);
        check("--iteration-ms", iterationMs, 10, 600_000);
        check("--forks", forks, 0, 100);
        PrintWriter out = spec.commandLine().getOut();
        out.println("command: " + RunFacts.commandLine(spec));
        out.println("date: " + RunFacts.now());
        out.println("JVM: " + RunFacts.jvm());
        out.println("load average at the start: " + RunFacts.loadAverage());
        out.flush();
        ChainedOptionsBuilder options = new OptionsBuilder()
                .warmupIterations(warmupIterations)
                .warmupTime(TimeValue.milliseconds(iterationMs))
                .measurementIterations(iterations)
                .measurementTime(TimeValue.milliseconds(iterationMs))
                .forks(forks)
                .timeUnit(TimeUnit.NANOSECONDS)
                .shouldFailOnError(true);
        for (String regex : include) {
            options.include(regex);
        }
        for (String p : params) {
            int eq = p.indexOf('=');
            if (eq <= 0 || eq == p.length() - 1) {
                throw new IllegalArgumentException("--param " + p + " (expected: NAME=V1[,V2...])");
            }
            options.param(p.substring(0, eq), p.substring(eq + 1).split(","));
        }
        if (csv != null) {
            options.resultFormat(ResultFormatType.CSV).result(csv);
        }
        new Runner(options.build()).run();
        out.println("load average at the end: " + RunFacts.loadAverage());
        out.flush();
        return 0;
    }

    private static void check(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(option + " : " + value + " (expected: " + min + " <= value <= " + max + ")");
        }
    }
}
