package org.petuum.bench;

import java.io.PrintWriter;
import org.petuum.examples.PetuumCli;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code bench} command line: side-by-side benchmarks, one subcommand each. Every benchmark runs the systems it
 * compares in one JVM and one Spark session, interleaved, and prints a table of medians and ratios.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, version = "petuum benchmarks 0.1.0",
        description = "Side-by-side benchmarks of Petuum on Spark against the systems it replaces.",
        subcommands = {MfVsAlsCommand.class, org.petuum.bench.lasso.LassoBenchCommand.class,
                org.petuum.bench.dataplane.DataplaneCommand.class, org.petuum.bench.ssp.SspStragglerCommand.class,
                org.petuum.bench.straggler.StragglerLrCommand.class,
                org.petuum.bench.checkpoint.CheckpointBench.class,
                org.petuum.bench.lda.LdaBenchCommand.class,
                org.petuum.bench.lda.LdaSamplerCommand.class,
                org.petuum.bench.kmeans.KMeansBenchCommand.class,
                org.petuum.bench.lr.LrBenchCommand.class,
                org.petuum.bench.mf.MfScaleCommand.class,
                org.petuum.bench.memory.MemoryBench.class,
                org.petuum.bench.jmh.JmhCommand.class,
                CommandLine.HelpCommand.class})
public final class BenchCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (try: bench mf-vs-als --help)");
    }

    /** Runs the command line and returns the process exit code: 0 done, 1 failed, 2 bad usage or options. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        return PetuumCli.execute(new BenchCli(), args, out, err);
    }

    /** The process entry point (see {@link PetuumCli#runAndExit}). */
    public static void main(String[] args) {
        PetuumCli.runAndExit(new BenchCli(), args);
    }
}
