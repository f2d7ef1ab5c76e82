package org.petuum.examples;

import java.io.PrintWriter;
import java.net.URL;
import org.petuum.examples.lda.LdaCommand;
import org.petuum.examples.mf.MfCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code petuum} command line. */
@Command(name = "petuum", mixinStandardHelpOptions = true, version = "petuum 0.1.0",
        description = "Distributed machine learning on Spark with bounded-staleness parameter server tables.",
        subcommands = {MfCommand.class, org.petuum.examples.lasso.LassoCommand.class, LdaCommand.class,
                CommandLine.HelpCommand.class})
public final class PetuumCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (try: petuum mf --help)");
    }

    /** Runs the command line and returns the process exit code: 0 done, 1 failed, 2 bad usage or options. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        return execute(new PetuumCli(), args, out, err);
    }

    /**
     * Runs a command tree (this one or another of the project's, such as the benchmarks) with the project's
     * error reporting: a bad option or input prints one line and exits 2, any other failure prints its message
     * and its causes' on one line and exits 1.
     */
    public static int execute(Object command, String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(command);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof IllegalArgumentException) {
                commandLine.getErr().println(commandLine.getCommandName() + ": " + e.getMessage());
                return 2;
            }
            commandLine.getErr().println(commandLine.getCommandName() + ": " + describe(e));
            return 1;
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
     * The process entry point. A successful command returns, and the JVM ends with nothing left running; a failed one
     * ends the JVM with its exit code, the command's contract with the shell (a returning {@code main} can only say 0).
     */
    public static void main(String[] args) {
        runAndExit(new PetuumCli(), args);
    }

    /** The entry point of the project's command lines: quiet logging, run {@code command}, exit with its code. */
    public static void runAndExit(Object command, String[] args) {
        quietLogging();
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = execute(command, args, out, err);
        out.flush();
        err.flush();
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Unless the user configured logging, show warnings only: the command prints its own progress. */
    private static void quietLogging() {
        if (System.getProperty("log4j2.configurationFile") == null
                && System.getProperty("log4j.configurationFile") == null) {
            URL config = PetuumCli.class.getResource("petuum-cli-log4j2.properties");
            if (config != null) {
                System.setProperty("log4j2.configurationFile", config.toString());
            }
        }
    }
}
