package org.petuum.ps.protocol;

import org.petuum.shaded.io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * Splits the byte stream into frames by their 4-byte length prefix and strips it. {@code maxFrameBytes} bounds
 * the whole frame, the prefix included: a declared length above {@code maxFrameBytes - 4} fails at once (before
 * any of the body is buffered) with a {@code TooLongFrameException}. Not shareable: one per connection.
 */
public final class FrameDecoder extends LengthFieldBasedFrameDecoder {
    public FrameDecoder(int maxFrameBytes) {
        super(maxFrameBytes, 0, 4, 0, 4, true);
    }
}
