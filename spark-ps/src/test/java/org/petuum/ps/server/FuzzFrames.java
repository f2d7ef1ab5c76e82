package org.petuum.ps.server;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.petuum.ps.protocol.FrameLayout;
import org.petuum.ps.protocol.Message;
import org.petuum.ps.protocol.MessageDecoder;
import org.petuum.ps.protocol.ProtocolException;
import org.petuum.shaded.io.netty.buffer.ByteBuf;
import org.petuum.shaded.io.netty.buffer.ByteBufUtil;
import org.petuum.shaded.io.netty.buffer.Unpooled;

/** What the fuzz tests of the handshake and of pushed rows need to know about an input, decoded off the wire. */
final class FuzzFrames {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private FuzzFrames() {
    }

    /**
     * Every frame of {@code bytes} that decodes cleanly, in order, as a peer's frame splitter with limit
     * {@code limit} cuts them (a length prefix, counted in the limit: {@link FrameLayout}): also the clean frames behind one that is
     * refused, which a receiver may still be handed from the same read. Stops at a length over the limit or an
     * incomplete frame.
     */
    static List<Message> cleanFrames(byte[] bytes, int limit) {
        List<Message> out = new ArrayList<>();
        ByteBuf whole = Unpooled.wrappedBuffer(bytes);
        try {
            int pos = 0;
            while (bytes.length - pos >= FrameLayout.LENGTH_BYTES) {
                long length = whole.getUnsignedInt(pos + FrameLayout.LENGTH_OFFSET);
                if (FrameLayout.frameBytesOf(length) > limit || bytes.length - pos < FrameLayout.frameBytesOf(length)) {
                    break;
                }
                try {
                    out.add(MessageDecoder.decode(whole.slice(pos + FrameLayout.LENGTH_BYTES, (int) length)));
                } catch (ProtocolException e) {
                    // Refused; the frames behind it are still cut.
                }
                pos += (int) FrameLayout.frameBytesOf(length);
            }
        } finally {
            whole.release();
        }
        return out;
    }

    /** The ids of the live threads whose names start with {@code prefix}. */
    static long[] threadIds(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix))
                .mapToLong(Thread::getId).toArray();
    }

    /** Bytes allocated on the heap so far by the threads {@code ids}. */
    static long allocatedBy(long[] ids) {
        long sum = 0;
        for (long bytes : THREADS.getThreadAllocatedBytes(ids)) {
            sum += Math.max(0, bytes);
        }
        return sum;
    }

    /** Bytes allocated on the heap so far by the calling thread. */
    static long allocatedHere() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /** An input for a failure message: its seed, number, mutations and bytes (the first 4 KiB). */
    static String describe(long seed, String property, long input, String trail, byte[] bytes) {
        String hex = bytes.length <= 4096 ? ByteBufUtil.hexDump(bytes)
                : ByteBufUtil.hexDump(bytes, 0, 4096) + "… (" + bytes.length + " bytes in all)";
        return "seed " + seed + " (replay with -D" + property + "=" + seed + "), input " + input + "\n  mutations: "
                + trail + "\n  input (" + bytes.length + " bytes): " + hex;
    }
}
