package org.petuum.bench.jmh;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.petuum.ps.protocol.Flush;
import org.petuum.shaded.io.netty.buffer.ByteBuf;
import org.petuum.shaded.io.netty.buffer.PooledByteBufAllocator;
import org.petuum.ssp.OpLog;
import org.petuum.ssp.RowUpdate;
import org.petuum.ssp.TableRef;
import org.petuum.ssp.TableSpec;

/**
 * The sparse rows of a {@code FLUSH} through the protocol's codec: {@link #encode} writes the message body into a
 * pooled direct buffer (as the shard's and the clients' Netty pipelines allocate them), {@link #roundTrip} writes it
 * and decodes it again. The flush holds {@code rows} sparse rows of about {@code cellsPerRow} cells each, built
 * through an {@link OpLog} as a worker builds them. The time is per flush; divide by {@code rows * cellsPerRow} for
 * the time per cell.
 *
 * <p>Run with {@code bin/bench jmh} (see {@link JmhCommand}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 300, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 5, time = 300, timeUnit = TimeUnit.MILLISECONDS)
@Fork(1)
public class SparseCodecBench {
    private static final int COLS = 1_000;

    /** Rows in the flush. */
    @Param({"1000"})
    public int rows;

    /** Cells per row (distinct random columns). */
    @Param({"25"})
    public int cellsPerRow;

    private Flush flush;
    private ByteBuf buffer;

    @Setup(Level.Trial)
    public void setUp() {
        TableRef table = new TableRef(1, TableSpec.sparse("bench", rows, COLS));
        OpLog log = new OpLog();
        SplittableRandom rng = new SplittableRandom(7);
        for (int r = 0; r < rows; r++) {
            for (int c : rng.ints(0, COLS).distinct().limit(cellsPerRow).toArray()) {
                log.inc(table, r, c, rng.nextDouble());
            }
        }
        List<RowUpdate> updates = new ArrayList<>(log.drain());
        flush = new Flush(1, 1, 0, 0, updates);
        buffer = PooledByteBufAllocator.DEFAULT.directBuffer(flush.encodedLength());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        buffer.release();
    }

    @Benchmark
    public ByteBuf encode() {
        buffer.clear();
        flush.encode(buffer);
        return buffer;
    }

    @Benchmark
    public Flush roundTrip() {
        buffer.clear();
        flush.encode(buffer);
        return Flush.decode(buffer);
    }
}
