package org.petuum.ps.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.petuum.shaded.io.netty.buffer.ByteBuf;
import org.petuum.shaded.io.netty.buffer.Unpooled;
import org.petuum.shaded.io.netty.channel.embedded.EmbeddedChannel;
import org.petuum.shaded.io.netty.handler.codec.TooLongFrameException;
import org.petuum.ssp.DenseRow;
import org.petuum.ssp.RowUpdate;

/** A large frame arriving in many pieces: decoded exactly, with room for all of it reserved when it begins. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FrameDecoderTest {
    private static final int LIMIT = 8 * 1024 * 1024;

    @Test
    void largeFrameInPiecesIsGatheredWithoutCopiesAndDecodedExactly() {
        Flush sent = flush(3, 128, 1024); // about 1 MB
        Flush small = flush(4, 1, 8);
        ByteBuf wire = Unpooled.buffer();
        MessageEncoder.encode(sent, wire);
        int frameBytes = wire.readableBytes();
        MessageEncoder.encode(small, wire);
        FrameDecoder frames = new FrameDecoder(LIMIT);
        EmbeddedChannel ch = new EmbeddedChannel(frames, new MessageDecoder());
        try {
            int pieces = 0;
            while (wire.readerIndex() + 20_000 < frameBytes) {
                ch.writeInbound(wire.readRetainedSlice(20_000));
                pieces++;
                assertNull(ch.readInbound(), "nothing may come out of an incomplete frame");
                assertEquals(pieces, frames.bufferRegions(), "each read of a large frame is kept, not copied");
            }
            // The rest of the large frame and the small one in one read.
            ch.writeInbound(wire.readRetainedSlice(wire.readableBytes()));
            Flush got = ch.readInbound();
            assertEquals(sent.updates(), got.updates());
            assertEquals(sent.clock(), got.clock());
            assertEquals(small.updates(), ((Flush) ch.readInbound()).updates());
            assertNull(ch.readInbound());
        } finally {
            wire.release();
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void framesBackToBackAroundALargeOneAllArrive() {
        List<Flush> sent = List.of(flush(1, 1, 8), flush(2, 96, 1024), flush(3, 2, 16));
        ByteBuf wire = Unpooled.buffer();
        for (Flush f : sent) {
            MessageEncoder.encode(f, wire);
        }
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(LIMIT), new MessageDecoder());
        List<Flush> got = new ArrayList<>();
        try {
            SplittableRandom rng = new SplittableRandom(7);
            while (wire.isReadable()) {
                ch.writeInbound(wire.readRetainedSlice(Math.min(1 + rng.nextInt(40_000), wire.readableBytes())));
                for (Flush f; (f = ch.readInbound()) != null; ) {
                    got.add(f);
                }
            }
            assertEquals(sent.size(), got.size());
            for (int i = 0; i < sent.size(); i++) {
                assertEquals(sent.get(i).updates(), got.get(i).updates(), "frame " + i);
            }
        } finally {
            wire.release();
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void aFrameAboveTheHandshakeLimitIsRefusedWithNothingReserved() {
        FrameDecoder frames = new FrameDecoder(FrameLayout.HANDSHAKE_FRAME_BYTES, LIMIT);
        EmbeddedChannel ch = new EmbeddedChannel(frames, new MessageDecoder());
        ByteBuf head = Unpooled.buffer().writeInt(FrameLayout.lengthPrefix(LIMIT)).writeByte(0).writeZero(100);
        assertThrows(TooLongFrameException.class, () -> ch.writeInbound(head));
        assertTrue(frames.bufferCapacity() < FrameLayout.HANDSHAKE_FRAME_BYTES,
                "no room may be reserved for a frame that is refused: " + frames.bufferCapacity());
        ch.finishAndReleaseAll();
    }

    private static Flush flush(int clock, int rows, int cols) {
        SplittableRandom rng = new SplittableRandom(clock);
        List<RowUpdate> updates = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            updates.add(new RowUpdate(0, r, DenseRow.wrap(rng.doubles(cols).toArray())));
        }
        return new Flush(clock, 5, 0, clock, updates);
    }
}
