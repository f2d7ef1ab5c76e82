package org.petuum.ps.protocol;

import org.petuum.shaded.io.netty.buffer.ByteBuf;

/**
 * Waits until the workers of the active run have completed {@code minClock} clocks on this shard: all of them (a
 * global barrier), or, with {@code othersOnly}, all but {@code worker} (how a scheduling worker waits for the others'
 * results of a round without ending its own clock). Answered by an empty {@link Rows} once they have, or by an
 * {@link ErrorResponse} of code TIMEOUT after {@code timeoutMs} naming the slowest worker. {@code worker} and
 * {@code workerClock} name the waiter.
 */
public record AwaitClock(long requestId, boolean othersOnly, long minClock, int worker, int workerClock,
                         long timeoutMs) implements Message {
    @Override
    public MessageType type() {
        return MessageType.AWAIT_CLOCK;
    }

    @Override
    public int encodedLength() {
        return 8 + 1 + 8 + 4 + 4 + 8;
    }

    @Override
    public void encode(ByteBuf out) {
        out.writeLong(requestId);
        out.writeBoolean(othersOnly);
        out.writeLong(minClock);
        out.writeInt(worker);
        out.writeInt(workerClock);
        out.writeLong(timeoutMs);
    }

    public static AwaitClock decode(ByteBuf in) {
        Codec.need(in, 33, "AWAIT_CLOCK");
        return new AwaitClock(in.readLong(), in.readBoolean(), in.readLong(), in.readInt(), in.readInt(),
                in.readLong());
    }
}
