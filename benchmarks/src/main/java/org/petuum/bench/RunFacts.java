package org.petuum.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine.Model.CommandSpec;

/** What every benchmark prints about the run itself: its command line, the date, the machine and how busy it was. */
public final class RunFacts {

    private RunFacts() {
    }

    /** The command as given, quoted where a shell would need it, so that the line can be pasted back. */
    public static String commandLine(CommandSpec spec) {
        List<String> args = spec.root().commandLine().getParseResult().originalArgs();
        return "bin/bench " + args.stream().map(a -> a.isEmpty() || a.matches(".*[^A-Za-z0-9_./:=,@%+-].*")
                ? "'" + a.replace("'", "'\\''") + "'" : a).collect(Collectors.joining(" "));
    }

    /**
     * Prints what every benchmark's output opens with, so that a result can be traced to its run: the command line,
     * the date, the JVM and the load average at the start.
     */
    public static void printHeader(java.io.PrintWriter out, CommandSpec spec) {
        out.println("command: " + commandLine(spec));
        out.println("date: " + now());
        out.println("JVM: " + jvm());
        out.println("load average at the start: " + loadAverage());
        out.flush();
    }

    public static String now() {
        return ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }

    /** Cores, Java version and heap of this JVM. */
    public static String jvm() {
        return String.format(Locale.ROOT, "%d core(s), Java %s (%s), max heap %d MiB",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                System.getProperty("java.vm.name"), Runtime.getRuntime().maxMemory() >> 20);
    }

    /**
     * The 1, 5 and 15 minute load averages as the kernel reports them ({@code /proc/loadavg}), else the one-minute
     * average the JVM knows, else "n/a".
     */
    public static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            if (f.length >= 3) {
                return f[0] + " " + f[1] + " " + f[2] + " (1, 5, 15 min)";
            }
        } catch (java.io.IOException | RuntimeException e) {
            // Not Linux: fall back to what the JVM offers.
        }
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return load < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f (1 min)", load);
    }

    /**
     * The CPU time of all of this JVM's threads so far, in nanoseconds.
     *
     * @throws IllegalStateException if the JVM does not report it
     */
    public static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        throw new IllegalStateException("this JVM does not report its process CPU time "
                + "(com.sun.management.OperatingSystemMXBean)");
    }

    /** {@code numerator / denominator} as "1.23×", or "n/a" when either is not a finite positive number. */
    public static String ratio(double numerator, double denominator) {
        if (!Double.isFinite(numerator) || !Double.isFinite(denominator) || denominator <= 0) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.2f×", numerator / denominator);
    }
}
