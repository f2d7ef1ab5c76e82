package org.petuum.ps.protocol;

import java.util.List;
import org.petuum.shaded.io.netty.buffer.ByteBuf;
import org.petuum.ssp.RowUpdate;

/**
 * The updates that {@code worker} made to this shard's rows in its clock {@code clock} of run {@code runId};
 * applying it advances the worker's clock on the shard. Sent at every clock, even with no updates.
 *
 * <p>With {@code last} (type {@link MessageType#LAST_FLUSH}, same body): the worker's function returned, and
 * these are the updates it made after its last clock, {@code clock} being the clock it had not completed. The
 * shard applies them once and finishes the worker instead of advancing it (see {@code ShardState}).
 */
public record Flush(long requestId, long runId, int worker, int clock, List<RowUpdate> updates, boolean last)
        implements Message {
    public Flush {
        updates = List.copyOf(updates);
    }

    /** A flush that ends a clock. */
    public Flush(long requestId, long runId, int worker, int clock, List<RowUpdate> updates) {
        this(requestId, runId, worker, clock, updates, false);
    }

    @Override
    public MessageType type() {
        return last ? MessageType.LAST_FLUSH : MessageType.FLUSH;
    }

    @Override
    public int encodedLength() {
        return 8 + 8 + 4 + 4 + Codec.updatesLength(updates);
    }

    /**
     * At least the size of this flush's frame, computed from how many cells its rows store without reading them
     * (a sparse row sends only its non-zero cells): what a sender counts against its limit of unacknowledged bytes.
     */
    public long frameBytesBound() {
        return FrameLayout.HEADER_BYTES + 8 + 8 + 4 + 4 + Codec.updatesLengthBound(updates);
    }

    @Override
    public void encode(ByteBuf out) {
        out.writeLong(requestId);
        out.writeLong(runId);
        out.writeInt(worker);
        out.writeInt(clock);
        Codec.writeUpdates(out, updates);
    }

    public static Flush decode(ByteBuf in) {
        return decode(in, false, null);
    }

    /**
     * Decodes the body of a {@link MessageType#FLUSH} ({@code last} false) or {@link MessageType#LAST_FLUSH}, its
     * dense rows into arrays from {@code deltas} when it is given (see {@link DeltaArrays}).
     */
    static Flush decode(ByteBuf in, boolean last, DeltaArrays deltas) {
        String name = last ? "LAST_FLUSH" : "FLUSH";
        Codec.need(in, 24, name);
        long id = in.readLong();
        long runId = in.readLong();
        int worker = in.readInt();
        int clock = in.readInt();
        return new Flush(id, runId, worker, clock, Codec.readUpdates(in, name, deltas), last);
    }
}
