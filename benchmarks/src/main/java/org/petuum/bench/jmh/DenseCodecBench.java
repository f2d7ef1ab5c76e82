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
import org.petuum.ps.protocol.DeltaArrays;
import org.petuum.ps.protocol.Flush;
import org.petuum.ps.protocol.Message;
import org.petuum.ps.protocol.MessageDecoder;
import org.petuum.ps.protocol.MessageEncoder;
import org.petuum.shaded.io.netty.buffer.ByteBuf;
import org.petuum.shaded.io.netty.buffer.CompositeByteBuf;
import org.petuum.shaded.io.netty.buffer.PooledByteBufAllocator;
import org.petuum.ssp.DenseRow;
import org.petuum.ssp.RowUpdate;

/**
 * The dense rows of a {@code FLUSH} through the protocol's codec, as a shard and a worker handle them: {@link #encode}
 * writes the frame into a pooled direct buffer; {@link #decode} decodes it as a client does (a new array per row);
 * {@link #decodeReusing} as a shard does (arrays reused once the flush is applied, {@link DeltaArrays});
 * {@link #decodeGathered} the same from a frame gathered as a composite of 64 KiB reads, as a large frame arrives.
 * The frame holds {@code rows} rows of {@code cols} doubles; the time is per frame (divide the frame's bytes by it
 * for the rate).
 *
 * <p>Run with {@code bin/bench jmh DenseCodecBench} (see {@link JmhCommand}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 300, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 5, time = 300, timeUnit = TimeUnit.MILLISECONDS)
@Fork(1)
public class DenseCodecBench {
    private static final int READ_BYTES = 64 * 1024;

    /** Rows in the flush. */
    @Param({"64"})
    public int rows;

    /** Doubles in a row. */
    @Param({"1024"})
    public int cols;

    private Flush flush;
    private ByteBuf frame;
    private CompositeByteBuf gathered;
    private final DeltaArrays deltas = new DeltaArrays();

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom rng = new SplittableRandom(7);
        List<RowUpdate> updates = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            updates.add(new RowUpdate(1, r, DenseRow.wrap(rng.doubles(cols).toArray())));
        }
        flush = new Flush(1, 1, 0, 0, updates);
        frame = PooledByteBufAllocator.DEFAULT.directBuffer(flush.encodedLength() + 8);
        MessageEncoder.encode(flush, frame);
        frame.skipBytes(4); // the length prefix, as the frame decoder strips it
        gathered = PooledByteBufAllocator.DEFAULT.compositeDirectBuffer(Integer.MAX_VALUE);
        for (int at = frame.readerIndex(); at < frame.writerIndex(); at += READ_BYTES) {
            int n = Math.min(READ_BYTES, frame.writerIndex() - at);
            gathered.addComponent(true, PooledByteBufAllocator.DEFAULT.directBuffer(n).writeBytes(frame, at, n));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        frame.release();
        gathered.release();
    }

    @Benchmark
    public ByteBuf encode() {
        ByteBuf out = PooledByteBufAllocator.DEFAULT.directBuffer(flush.encodedLength() + 8);
        MessageEncoder.encode(flush, out);
        out.release();
        return out;
    }

    @Benchmark
    public Message decode() {
        return MessageDecoder.decode(frame.duplicate());
    }

    @Benchmark
    public Message decodeReusing() {
        Message m = MessageDecoder.decode(frame.duplicate(), deltas);
        deltas.recycle();
        return m;
    }

    @Benchmark
    public Message decodeGathered() {
        Message m = MessageDecoder.decode(gathered.duplicate(), deltas);
        deltas.recycle();
        return m;
    }
}
