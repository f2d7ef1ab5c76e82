package org.petuum.bench.jmh;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.petuum.bench.Median;
import org.petuum.bench.RunFacts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bench jmh}: the JMH microbenchmarks of this package ({@link SparseAddAllBench}, {@link SparseCodecBench},
 * {@link DenseCodecBench}, {@link NarrowRowsBench}),
 * each in one forked JVM with short iterations, so that the whole set takes a few minutes. JMH forks with this JVM's
 * classpath and options.
 */
@Command(name = "jmh", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"JMH microbenchmarks of the data plane's hot loops: SparseRow.addAll, the sparse and the dense codec, "
                + "a shard's flushes and reads of narrow and wide dense rows.",
                "", "Prints JMH's table (average time per call), then each benchmark's median and fastest iteration; "
                + "the benchmarks' javadoc says what a call is."})
public final class JmhCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "REGEX",
            description = "Benchmarks to run, as JMH regular expressions over their names (default: all of them).")
    String[] include = {SparseAddAllBench.class.getSimpleName(), SparseCodecBench.class.getSimpleName(),
            DenseCodecBench.class.getSimpleName(), NarrowRowsBench.class.getSimpleName()};

    @Option(names = "--param", paramLabel = "NAME=V1,V2", description = "Overrides a @Param, e.g. stored=256 "
            + "(repeatable).")
    String[] params = {};

    @Option(names = "--iterations", defaultValue = "5", paramLabel = "N",
            description = "Measured iterations per benchmark (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--warmup-iterations", defaultValue = "2", paramLabel = "N",
            description = "Warm-up iterations per benchmark (default: ${DEFAULT-VALUE}).")
    int warmupIterations;

    @Option(names = "--iteration-ms", defaultValue = "300", paramLabel = "MS",
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
        RunFacts.printHeader(out, spec);
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
        Collection<RunResult> results = new Runner(options.build()).run();
        printRobust(out, results);
        out.println("load average at the end: " + RunFacts.loadAverage());
        out.flush();
        return 0;
    }

    /**
     * Each benchmark's median and fastest measured iteration beside JMH's mean: on a machine shared with other work
     * an iteration that lost the CPU drags the mean and its error bar far more than the median or the minimum.
     */
    private static void printRobust(PrintWriter out, Collection<RunResult> results) {
        out.println();
        out.println("| benchmark | parameters | median of iterations | fastest iteration | JMH mean | unit |");
        out.println("|---|---|---:|---:|---:|---|");
        for (RunResult r : results) {
            List<Double> scores = new ArrayList<>();
            for (BenchmarkResult b : r.getBenchmarkResults()) {
                for (IterationResult i : b.getIterationResults()) {
                    scores.add(i.getPrimaryResult().getScore());
                }
            }
            List<String> params = new ArrayList<>();
            for (String key : r.getParams().getParamsKeys()) {
                params.add(key + "=" + r.getParams().getParam(key));
            }
            String name = r.getParams().getBenchmark();
            String shortName = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
            out.printf(Locale.ROOT, "| %s | %s | %,.1f | %,.1f | %,.1f | %s |%n", shortName, String.join(", ", params),
                    Median.of(scores, Double::doubleValue), Collections.min(scores), r.getPrimaryResult().getScore(),
                    r.getPrimaryResult().getScoreUnit());
        }
        out.flush();
    }

    private static void check(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(
                    option + " : " + value + " (expected: " + min + " <= value <= " + max + ")");
        }
    }
}
