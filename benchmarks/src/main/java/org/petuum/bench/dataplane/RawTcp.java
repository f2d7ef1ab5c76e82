package org.petuum.bench.dataplane;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.HdrHistogram.Histogram;

/**
 * The baseline of the data plane: plain blocking {@link SocketChannel}s on loopback, with no framing, no codec and
 * no copies beyond the kernel's. Each measurement opens a fresh connection (not timed) and closes it afterwards.
 *
 * <p>Used by one thread, the benchmark's; each measurement starts one helper thread of its own and waits for it.
 */
final class RawTcp {
    /** Large application buffers, so that the system calls, not the loop, set the pace. */
    static final int BUFFER_BYTES = 1 << 20;

    private RawTcp() {
    }

    /**
     * Copies {@code bytes} from one thread to another over one loopback connection: the sender writes them from one
     * direct buffer, the receiver reads them into another and discards them.
     *
     * @return seconds from the first write to the receipt of the last byte
     */
    static double copy(long bytes) {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            try (SocketChannel sender = SocketChannel.open(listener.getLocalAddress());
                 SocketChannel receiver = listener.accept()) {
                CompletableFuture<Long> started = new CompletableFuture<>();
                CompletableFuture<IOException> sendFailure = new CompletableFuture<>();
                Thread t = new Thread(() -> {
                    try {
                        ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER_BYTES);
                        started.complete(System.nanoTime());
                        long left = bytes;
                        while (left > 0) {
                            buf.clear().limit((int) Math.min(buf.capacity(), left));
                            left -= sender.write(buf);
                        }
                    } catch (IOException e) {
                        sendFailure.complete(e);
                        started.completeExceptionally(e);
                        try {
                            sender.close(); // ends the receiver's wait
                        } catch (IOException closing) {
                            e.addSuppressed(closing);
                        }
                    }
                }, "raw-tcp-sender");
                t.setDaemon(true);
                t.start();
                ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER_BYTES);
                long got = 0;
                while (got < bytes) {
                    buf.clear();
                    int n = receiver.read(buf);
                    if (n < 0) {
                        throw new IOException("the sender closed after " + got + " of " + bytes + " bytes",
                                sendFailure.getNow(null));
                    }
                    got += n;
                }
                long end = System.nanoTime();
                long start = await(started);
                join(t);
                return (end - start) / 1e9;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("raw loopback copy of " + bytes + " bytes failed", e);
        }
    }

    /**
     * {@code samples} round trips over one loopback connection with {@code TCP_NODELAY}: a request of
     * {@code requestBytes} from this thread, answered by {@code responseBytes} from an echo thread. Records each
     * round trip in nanoseconds.
     */
    static void pingPong(int requestBytes, int responseBytes, int samples, Histogram nanos) {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            try (SocketChannel client = SocketChannel.open(listener.getLocalAddress());
                 SocketChannel server = listener.accept()) {
                client.setOption(StandardSocketOptions.TCP_NODELAY, true);
                server.setOption(StandardSocketOptions.TCP_NODELAY, true);
                CompletableFuture<Void> echoDone = new CompletableFuture<>();
                Thread echo = new Thread(() -> {
                    try {
                        ByteBuffer in = ByteBuffer.allocateDirect(requestBytes);
                        ByteBuffer out = ByteBuffer.allocateDirect(responseBytes);
                        for (int i = 0; i < samples; i++) {
                            readFully(server, in.clear());
                            writeFully(server, out.clear());
                        }
                        echoDone.complete(null);
                    } catch (IOException e) {
                        echoDone.completeExceptionally(e);
                    }
                }, "raw-tcp-echo");
                echo.setDaemon(true);
                echo.start();
                ByteBuffer request = ByteBuffer.allocateDirect(requestBytes);
                ByteBuffer response = ByteBuffer.allocateDirect(responseBytes);
                for (int i = 0; i < samples; i++) {
                    long t0 = System.nanoTime();
                    writeFully(client, request.clear());
                    readFully(client, response.clear());
                    nanos.recordValue(System.nanoTime() - t0);
                }
                await(echoDone);
                join(echo);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("raw loopback ping-pong failed", e);
        }
    }

    private static void readFully(SocketChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) {
                throw new IOException("the peer closed with " + buf.remaining() + " bytes of a message unread");
            }
        }
    }

    private static void writeFully(SocketChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    private static <T> T await(CompletableFuture<T> f) throws IOException {
        try {
            return f.get(LoopbackShard.WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IOException("the helper thread failed", e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("the helper thread did not finish within " + LoopbackShard.WAIT_MS + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the helper thread", e);
        }
    }

    private static void join(Thread t) throws IOException {
        try {
            t.join(LoopbackShard.WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + t.getName(), e);
        }
    }
}
