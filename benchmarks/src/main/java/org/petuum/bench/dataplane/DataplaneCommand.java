package org.petuum.bench.dataplane;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import org.petuum.bench.Median;
import org.petuum.bench.RunFacts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench dataplane}: the parameter server's data plane on loopback, without Spark, against a plain socket in
 * the same run. Three parts: dense push and pull throughput beside a raw TCP copy of the same bytes; sparse
 * increments applied per second by one shard beside its state machine alone; and the round-trip latency of a
 * one-row {@code get} beside a raw TCP ping-pong of the same sizes.
 */
@Command(name = "dataplane", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The data plane on loopback, without Spark: one real shard server and its clients in this JVM, "
                + "measured side by side with plain sockets.",
                "", "Prints dense push/pull MB/s against raw TCP, sparse increments per second per shard against the "
                + "shard's state machine alone, and get latency percentiles against a raw ping-pong."})
public final class DataplaneCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--megabytes", defaultValue = "256", paramLabel = "MB",
            description = "Roughly how many MB (10^6 bytes) each dense transfer moves (default: ${DEFAULT-VALUE}).")
    int megabytes;

    @Option(names = "--rows", defaultValue = "1024", paramLabel = "N",
            description = "Rows of the dense table; a worker's get reads all of them (default: ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--row-width", defaultValue = "1024", paramLabel = "N",
            description = "Doubles in a dense row (default: ${DEFAULT-VALUE}).")
    int rowWidth;

    @Option(names = "--rows-per-request", defaultValue = "64", paramLabel = "N",
            description = "Dense rows per FLUSH or GET_ROWS, and per clock of the worker's pushes "
                    + "(default: ${DEFAULT-VALUE}).")
    int rowsPerRequest;

    @Option(names = "--window", defaultValue = "4", paramLabel = "N",
            description = "Protocol requests in flight in the dense transfers (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--increments-per-clock", defaultValue = "1000000", paramLabel = "N",
            description = "Random sparse increments per clock, all workers together (default: ${DEFAULT-VALUE}).")
    int incrementsPerClock;

    @Option(names = "--sparse-workers", defaultValue = "4", paramLabel = "N",
            description = "Workers flushing sparse oplogs, each on its own connection (default: ${DEFAULT-VALUE}).")
    int sparseWorkers;

    @Option(names = "--sparse-clocks", defaultValue = "10", paramLabel = "N",
            description = "Clocks of sparse flushes per measurement (default: ${DEFAULT-VALUE}).")
    int sparseClocks;

    @Option(names = "--sparse-variants", defaultValue = "3", paramLabel = "N",
            description = "Different oplogs per sparse worker, sent in turn: once all were sent, the flushes add to "
                    + "stored cells only, whose rows hold about N × workers cells for each one a flush adds "
                    + "(default: ${DEFAULT-VALUE}).")
    int sparseVariants;

    @Option(names = "--sparse-rows", defaultValue = "10000", paramLabel = "N",
            description = "Rows of the sparse table (default: ${DEFAULT-VALUE}).")
    int sparseRows;

    @Option(names = "--sparse-cols", defaultValue = "1000", paramLabel = "N",
            description = "Columns of the sparse table (default: ${DEFAULT-VALUE}).")
    int sparseCols;

    @Option(names = "--latency-samples", defaultValue = "20000", paramLabel = "N",
            description = "Recorded round trips per path, spread over the rounds (default: ${DEFAULT-VALUE}).")
    int latencySamples;

    @Option(names = "--latency-row-width", defaultValue = "16", paramLabel = "N",
            description = "Doubles in the row that the latency part reads (default: ${DEFAULT-VALUE}).")
    int latencyRowWidth;

    @Option(names = "--io-threads", defaultValue = "2", paramLabel = "N",
            description = "Event-loop threads of the shard server and of each client, spark.petuum.ioThreads "
                    + "(default: ${DEFAULT-VALUE}, its default).")
    int ioThreads;

    @Option(names = "--warmup", defaultValue = "1", paramLabel = "N",
            description = "Unmeasured rounds first, for JIT (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--repeats", defaultValue = "3", paramLabel = "N",
            description = "Measured rounds; each runs every path once, the order rotating (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Override
    public Integer call() {
        validate();
        PrintWriter out = spec.commandLine().getOut();
        RunFacts.printHeader(out, spec);
        try (LoopbackShard shard = new LoopbackShard(ioThreads)) {
            out.printf(Locale.ROOT, "one shard server on %s, spark.petuum.ioThreads=%d (server and each client); "
                    + "%d warm-up and %d measured round(s)%n", shard.address(), ioThreads, warmup, repeats);
            dense(shard, out);
            sparse(shard, out);
            latency(shard, out);
        }
        out.println();
        out.println("load average at the end: " + RunFacts.loadAverage());
        out.flush();
        return 0;
    }

    private void validate() {
        check("--megabytes", megabytes, 1, 100_000);
        check("--rows", rows, 1, 1_000_000);
        check("--row-width", rowWidth, 1, 1 << 20);
        check("--rows-per-request", rowsPerRequest, 1, rows);
        check("--window", window, 1, 1024);
        check("--increments-per-clock", incrementsPerClock, 1, 100_000_000);
        check("--sparse-workers", sparseWorkers, 1, 64);
        check("--sparse-clocks", sparseClocks, 1, 100_000);
        check("--sparse-variants", sparseVariants, 1, 100);
        check("--sparse-rows", sparseRows, 1, 100_000_000);
        check("--sparse-cols", sparseCols, 1, Integer.MAX_VALUE);
        check("--latency-samples", latencySamples, 1, 100_000_000);
        check("--latency-row-width", latencyRowWidth, 1, 1 << 20);
        check("--io-threads", ioThreads, 1, 64);
        check("--warmup", warmup, 0, 100);
        check("--repeats", repeats, 1, 100);
    }

    private static void check(String option, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(option + " : " + value + " (expected: " + min + " <= value <= " + max + ")");
        }
    }

    // ---------------------------------------------------------------- dense throughput

    private void dense(LoopbackShard shard, PrintWriter out) {
        DenseThroughput dense = new DenseThroughput(shard, 1, rows, rowWidth, rowsPerRequest, window,
                megabytes * 1_000_000L);
        out.println();
        out.println("## dense push and pull against raw loopback TCP");
        out.println(dense.describe());
        Map<String, Supplier<DenseThroughput.Transfer>> paths = new LinkedHashMap<>();
        paths.put("push, protocol: FLUSH of " + rowsPerRequest + " rows, " + window + " in flight", dense::pushProtocol);
        paths.put("pull, protocol: GET_ROWS of " + rowsPerRequest + " rows, " + window + " in flight",
                dense::pullProtocol);
        paths.put("push, worker: inc " + rowsPerRequest + " rows + clock()", dense::pushWorker);
        paths.put("pull, worker: get(all " + rows + " rows) + clock()", dense::pullWorker);
        List<String> names = new ArrayList<>(paths.keySet());
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        names.forEach(n -> results.put(n, new ArrayList<>()));
        for (int round = 1 - warmup; round <= repeats; round++) {
            for (int k = 0; k < names.size(); k++) {
                String name = names.get(Math.floorMod(k + round, names.size()));
                System.gc();
                long cpu0 = RunFacts.processCpuNanos();
                DenseThroughput.Transfer ps = paths.get(name).get();
                long cpu1 = RunFacts.processCpuNanos();
                System.gc();
                long cpu2 = RunFacts.processCpuNanos();
                double rawSeconds = RawTcp.copy(ps.bytes());
                long cpu3 = RunFacts.processCpuNanos();
                double raw = ps.bytes() / rawSeconds / 1e6;
                double cpuPerGb = (cpu1 - cpu0) / 1e9 / (ps.bytes() / 1e9);
                double rawCpuPerGb = (cpu3 - cpu2) / 1e9 / (ps.bytes() / 1e9);
                out.printf(Locale.ROOT, "%s %d: %s: %,.0f MB in %.3f s = %,.0f MB/s; raw TCP %,.0f MB/s; ratio %.2f; "
                                + "CPU s per GB %.2f, raw %.2f%n",
                        round <= 0 ? "warm-up" : "round", round <= 0 ? round + warmup : round, name,
                        ps.bytes() / 1e6, ps.seconds(), ps.megabytesPerSecond(), raw, ps.megabytesPerSecond() / raw,
                        cpuPerGb, rawCpuPerGb);
                out.flush();
                if (round > 0) {
                    results.get(name).add(new double[] {ps.bytes() / 1e6, ps.megabytesPerSecond(), raw,
                            ps.megabytesPerSecond() / raw, cpuPerGb, rawCpuPerGb});
                }
            }
        }
        out.println();
        out.printf(Locale.ROOT, "medians of %d round(s); raw TCP: one sender and one receiver thread, blocking "
                + "SocketChannel, %d KiB buffers, copying the same number of bytes right after each transfer%n",
                repeats, RawTcp.BUFFER_BYTES >> 10);
        out.println("| transfer | MB a transfer | MB/s | raw TCP MB/s | ratio to raw (aim ≥ 0.50) "
                + "| CPU s per GB | raw CPU s per GB |");
        out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (String name : names) {
            List<double[]> r = results.get(name);
            out.printf(Locale.ROOT, "| %s | %,.0f | %,.0f | %,.0f | %.2f | %.2f | %.2f |%n", name,
                    Median.of(r, x -> x[0]), Median.of(r, x -> x[1]), Median.of(r, x -> x[2]),
                    Median.of(r, x -> x[3]), Median.of(r, x -> x[4]), Median.of(r, x -> x[5]));
        }
        out.println("ratio: the median of the rounds' ratios, each against the raw copy of the same round. CPU s per "
                + "GB: this JVM's CPU time (every thread: both ends, the collector, the compiler) over the transfer, "
                + "per 10^9 bytes; it moves far less than the rates when other work shares the machine.");
        out.flush();
    }

    // ---------------------------------------------------------------- sparse increments

    private void sparse(LoopbackShard shard, PrintWriter out) {
        SparseIncrements sparse = new SparseIncrements(shard, 100, sparseRows, sparseCols, sparseWorkers,
                sparseClocks, incrementsPerClock, sparseVariants);
        out.println();
        out.println("## sparse increments applied per second by one shard");
        out.println(sparse.describe());
        List<SparseIncrements.Rate> wire = new ArrayList<>();
        List<SparseIncrements.Rate> memory = new ArrayList<>();
        for (int round = 1 - warmup; round <= repeats; round++) {
            System.gc();
            SparseIncrements.Rate w;
            SparseIncrements.Rate m;
            if (Math.floorMod(round, 2) == 1) {
                w = sparse.overTheWire();
                System.gc();
                m = sparse.inMemory();
            } else {
                m = sparse.inMemory();
                System.gc();
                w = sparse.overTheWire();
            }
            out.printf(Locale.ROOT, "%s %d: over loopback %,.0f increments/s (%.3f s; %,.0f per CPU-second; the "
                            + "shard applying %.0f%% of the time); state machine alone %,.0f increments/s (%.3f s; "
                            + "%,.0f per CPU-second)%n",
                    round <= 0 ? "warm-up" : "round", round <= 0 ? round + warmup : round, w.perSecond(), w.seconds(),
                    w.perCpuSecond(), 100 * w.applyShare(), m.perSecond(), m.seconds(), m.perCpuSecond());
            out.flush();
            if (round > 0) {
                wire.add(w);
                memory.add(m);
            }
        }
        double wireRate = Median.of(wire, SparseIncrements.Rate::perSecond);
        double memoryRate = Median.of(memory, SparseIncrements.Rate::perSecond);
        out.println();
        out.printf(Locale.ROOT, "medians of %d round(s)%n", repeats);
        out.println("| path | increments a measurement | increments/s | increments per CPU-second of the JVM |");
        out.println("|---|---:|---:|---:|");
        out.printf(Locale.ROOT, "| %d workers → one shard over loopback (aim ≥ 15,000,000/s) | %,d | %,.0f "
                        + "| %,.0f |%n", sparseWorkers, wire.get(0).increments(), wireRate,
                Median.of(wire, SparseIncrements.Rate::perCpuSecond));
        out.printf(Locale.ROOT, "| the shard's state machine alone (no network, no codec, one thread) | %,d | %,.0f "
                        + "| %,.0f |%n", memory.get(0).increments(), memoryRate,
                Median.of(memory, SparseIncrements.Rate::perCpuSecond));
        out.println("CPU-seconds: all of this JVM's threads (shard, clients, GC, JIT), from the process CPU time.");
        out.printf(Locale.ROOT, "over loopback the shard spent a median %.0f%% of the wall time applying flushes under "
                + "its lock (shard.applyNanos): near 100%%, the shard is what the workers wait for%n",
                100 * Median.of(wire, SparseIncrements.Rate::applyShare));
        out.printf(Locale.ROOT, "ratio over loopback / state machine alone: %s%n",
                RunFacts.ratio(wireRate, memoryRate));
        out.flush();
    }

    // ---------------------------------------------------------------- get latency

    private void latency(LoopbackShard shard, PrintWriter out) {
        GetLatency latency = new GetLatency(shard, 200, latencyRowWidth);
        out.println();
        out.println("## get round-trip latency, nothing cached");
        out.println(latency.describe());
        Map<String, Histogram> histograms = new LinkedHashMap<>();
        String protocol = "protocol: GET_ROWS of one row, waited for";
        String worker = "worker: PsTable.get(row) after clock(), BSP";
        String raw = "raw TCP ping-pong, same sizes";
        histograms.put(protocol, new Histogram(3));
        histograms.put(worker, new Histogram(3));
        histograms.put(raw, new Histogram(3));
        List<String> names = new ArrayList<>(histograms.keySet());
        int warmupSamples = Math.min(5_000, latencySamples);
        int perRound = (latencySamples + repeats - 1) / repeats;
        for (int i = 0; i < warmup; i++) {
            latency.protocol(warmupSamples, 0, new Histogram(3));
            latency.worker(warmupSamples, 0, new Histogram(3));
            latency.rawTcp(warmupSamples, 0, new Histogram(3));
        }
        for (int round = 1; round <= repeats; round++) {
            for (int k = 0; k < names.size(); k++) {
                String name = names.get((k + round) % names.size());
                System.gc();
                Histogram h = histograms.get(name);
                if (name.equals(protocol)) {
                    latency.protocol(100, perRound, h);
                } else if (name.equals(worker)) {
                    latency.worker(100, perRound, h);
                } else {
                    latency.rawTcp(100, perRound, h);
                }
            }
            out.printf(Locale.ROOT, "round %d: %,d round trips of each path%n", round, perRound);
            out.flush();
        }
        out.println();
        out.printf(Locale.ROOT, "all rounds together, microseconds%n");
        out.println("| path | round trips | p50 µs | p90 µs | p99 µs | p99.9 µs | max µs | mean µs |");
        out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        for (Map.Entry<String, Histogram> e : histograms.entrySet()) {
            Histogram h = e.getValue();
            out.printf(Locale.ROOT, "| %s | %,d | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f |%n", e.getKey(),
                    h.getTotalCount(), us(h.getValueAtPercentile(50)), us(h.getValueAtPercentile(90)),
                    us(h.getValueAtPercentile(99)), us(h.getValueAtPercentile(99.9)), us(h.getMaxValue()),
                    h.getMean() / 1e3);
        }
        Histogram rawH = histograms.get(raw);
        for (String name : List.of(protocol, worker)) {
            Histogram h = histograms.get(name);
            out.printf(Locale.ROOT, "%s / raw TCP: p50 %s, p99 %s%n", name.substring(0, name.indexOf(':')),
                    RunFacts.ratio(h.getValueAtPercentile(50), rawH.getValueAtPercentile(50)),
                    RunFacts.ratio(h.getValueAtPercentile(99), rawH.getValueAtPercentile(99)));
        }
        out.flush();
    }

    private static double us(long nanos) {
        return nanos / 1e3;
    }
}
