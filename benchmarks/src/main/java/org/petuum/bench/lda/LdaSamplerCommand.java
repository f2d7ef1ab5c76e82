package org.petuum.bench.lda;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.SparkSession;
import org.petuum.bench.BenchSession;
import org.petuum.bench.Median;
import org.petuum.bench.RunFacts;
import org.petuum.examples.lda.UciBagOfWords;
import org.petuum.ml.internal.lda.SamplerSpeed;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bench lda-sampler}: the LDA sampler alone, as one worker runs it, on all of KOS in one Spark task: every
 * token sampled pass after pass against word–topic counts in the task's memory, with no table, network or rounds.
 * Reports tokens per second of the task thread's CPU time (what a worker reaches with a core to itself) and of the
 * wall clock (which on a shared machine also counts the time other processes held the core). Only the per-pass
 * figures come back to the driver.
 */
@Command(name = "lda-sampler", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The LDA sampler alone on one executor thread over UCI KOS: tokens sampled per second of CPU "
                + "time and of wall time, per pass."})
public final class LdaSamplerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "../shared/data",
            description = "Folder holding uci-kos/docword.kos.txt.gz (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--k", split = ",", defaultValue = "20,100", description = "Topic counts (default: ${DEFAULT-VALUE}).")
    List<Integer> ks;

    @Option(names = "--passes", defaultValue = "30", description = "Passes per k (default: ${DEFAULT-VALUE}).")
    int passes;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the initial topics (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master (default: the one spark-submit gives, else local[*]).")
    String master;

    @Override
    public Integer call() {
        if (passes < 2) {
            throw new ParameterException(spec.commandLine(), "--passes : " + passes + " (expected: >= 2)");
        }
        if (!ks.stream().allMatch(k -> k >= 2)) {
            throw new ParameterException(spec.commandLine(), "--k : " + ks + " (expected: every k >= 2)");
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("# " + RunFacts.commandLine(spec));
        out.println("# " + RunFacts.now() + ", " + RunFacts.jvm() + ", load " + RunFacts.loadAverage());
        SparkSession spark = BenchSession.create("bench lda-sampler", master);
        try (UciBagOfWords.Corpus corpus = UciBagOfWords.read(spark, dataDir.resolve("uci-kos/docword.kos.txt.gz"))) {
            int vocab = corpus.header().words();
            JavaRDD<Vector> docs = corpus.docs().select("features").toJavaRDD().map(r -> (Vector) r.get(0))
                    .coalesce(1);
            out.println("KOS, all documents in one task; alpha = 50/k, beta = 0.01; rates are medians over the second "
                    + "half of the passes (the first passes are slower: topics are not yet sparse, the JIT warms up)");
            out.println();
            out.println("| k | passes | tokens/s (CPU), first pass | tokens/s (CPU) | tokens/s (wall) "
                    + "| log-likelihood/token, last pass |");
            out.println("|---:|---:|---:|---:|---:|---:|");
            for (int k : ks) {
                int p = passes;
                long s = seed;
                List<SamplerSpeed.Pass> trace = docs.mapPartitions(it -> Arrays.asList(
                        SamplerSpeed.measure(it, vocab, k, 50.0 / k, 0.01, p, s)).iterator()).collect();
                List<SamplerSpeed.Pass> late = trace.subList(trace.size() / 2, trace.size());
                out.printf(Locale.ROOT, "| %d | %d | %.2f M | %.2f M | %.2f M | %.4f |%n", k, trace.size(),
                        trace.get(0).tokensPerCpuSecond() / 1e6,
                        Median.of(late, SamplerSpeed.Pass::tokensPerCpuSecond) / 1e6,
                        Median.of(late, SamplerSpeed.Pass::tokensPerWallSecond) / 1e6,
                        trace.get(trace.size() - 1).logLikelihoodPerToken());
                out.flush();
            }
            out.println("# end: " + RunFacts.now() + ", load " + RunFacts.loadAverage());
            return 0;
        } finally {
            spark.stop();
        }
    }
}
