package org.petuum.bench;

import java.io.PrintWriter;
import java.net.URL;
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
                org.petuum.bench.checkpoint.CheckpointBench.class,
                CommandLine.HelpCommand.class})
public final class BenchCli implements Runnable {

    /** Spark and the parameter server log warnings only; the benchmarks print their own progress. */
    private static final String LOG_CONFIG = "/org/petuum/examples/petuum-cli-log4j2.properties";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (try: bench mf-vs-als --help)");
    }

    /** Runs the command line and returns the process exit code: 0 done, 1 failed, 2 bad usage or options. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new BenchCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println(commandLine.getCommandName() + ": " + describe(e));
            return e instanceof IllegalArgumentException ? 2 : 1;
        });
        return cli.execute(args);
    }

    /** A failure as one readable line: its message and those of its causes, without repeating them. */
    static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage() == null ? e : e.getMessage()));
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c.getMessage() != null && !sb.toString().contains(c.getMessage())) {
                sb.append(": ").append(c.getMessage());
            }
        }
        return sb.toString();
    }

    /**
     * The process entry point, and the one place that ends the JVM: Spark 3.5 leaves a non-daemon timer thread
     * behind after a barrier stage in local mode, which would otherwise keep the JVM alive after the work is done.
     */
    public static void main(String[] args) {
        quietLogging();
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = execute(args, out, err);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Unless the user configured logging, show warnings only. */
    private static void quietLogging() {
        if (System.getProperty("log4j2.configurationFile") == null
                && System.getProperty("log4j.configurationFile") == null) {
            URL config = BenchCli.class.getResource(LOG_CONFIG);
            if (config != null) {
                System.setProperty("log4j2.configurationFile", config.toString());
            }
        }
    }
}
