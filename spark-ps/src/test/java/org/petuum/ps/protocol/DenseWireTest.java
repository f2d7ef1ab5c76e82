package org.petuum.ps.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.petuum.shaded.io.netty.buffer.ByteBuf;
import org.petuum.shaded.io.netty.buffer.CompositeByteBuf;
import org.petuum.shaded.io.netty.buffer.Unpooled;

/** Dense row values on the wire: little-endian, in bulk, from contiguous and gathered buffers alike. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DenseWireTest {

    @Test
    void denseValuesAreLittleEndianOnTheWire() {
        double[] values = {1.5, -2.25, Double.MIN_VALUE};
        for (ByteBuf out : new ByteBuf[] {Unpooled.buffer(), Unpooled.directBuffer(), Unpooled.compositeBuffer()}) {
            Codec.writeDoubles(out, values);
            assertEquals(24, out.readableBytes());
            for (double v : values) {
                assertEquals(Double.doubleToRawLongBits(v), out.readLongLE(), out.getClass().getSimpleName());
            }
            out.release();
        }
    }

    @Test
    void valuesSplitAcrossRegionsAtAnyByteAreReadExactly() {
        SplittableRandom rng = new SplittableRandom(5);
        for (int trial = 0; trial < 200; trial++) {
            double[] values = rng.doubles(1 + rng.nextInt(300), -1e6, 1e6).toArray();
            ByteBuf whole = Unpooled.buffer();
            whole.writeByte(7); // something before the values
            Codec.writeDoubles(whole, values);
            CompositeByteBuf gathered = Unpooled.compositeBuffer(Integer.MAX_VALUE);
            while (whole.isReadable()) {
                int n = Math.min(whole.readableBytes(), 1 + rng.nextInt(40));
                ByteBuf part = rng.nextBoolean() ? Unpooled.directBuffer(n) : Unpooled.buffer(n);
                gathered.addComponent(true, part.writeBytes(whole, n));
            }
            whole.release();
            assertEquals(7, gathered.readByte());
            double[] into = new double[values.length];
            Codec.readDoubles(gathered, into);
            assertArrayEquals(values, into, "trial " + trial);
            assertEquals(0, gathered.readableBytes());
            gathered.release();
        }
    }
}
