package org.petuum.ps.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;
import org.petuum.ps.PsException;
import org.petuum.ps.PsTimeoutException;
import org.petuum.ps.PsTooLargeException;
import org.petuum.ps.ShardAddress;
import org.petuum.ps.protocol.ErrorResponse;
import org.petuum.ps.protocol.Message;
import org.petuum.shaded.io.netty.channel.Channel;

/**
 * One connection from this process to one shard, shared by every task of the process.
 *
 * <p>Every request gets the next sequence number of this connection as its request id. Sequence numbers
 * and writes are assigned under one lock, so requests reach the shard in sequence order; because the shard
 * handles a connection's requests in order, an answer to request {@code n} reflects every request below
 * {@code n} — the basis of read-my-writes ({@link org.petuum.ssp.WorkerState}). When the connection closes,
 * every outstanding request fails, naming the shard.
 */
public final class ShardConnection {
    /** A request in flight: its sequence number and its answer. */
    public record Pending(long seq, CompletableFuture<Message> answer) {
    }

    private final ShardAddress shard;
    private final Channel channel;
    private final ConcurrentHashMap<Long, CompletableFuture<Message>> outstanding = new ConcurrentHashMap<>();
    private long nextSeq;
    private volatile String closedReason;

    ShardConnection(ShardAddress shard, Channel channel, long firstSeq) {
        this.shard = shard;
        this.channel = channel;
        this.nextSeq = firstSeq;
        channel.closeFuture().addListener(f -> failAll("connection closed"));
    }

    public ShardAddress shard() {
        return shard;
    }

    /** Sends the request that {@code build} makes for the next sequence number. */
    public Pending send(LongFunction<Message> build) {
        CompletableFuture<Message> answer = new CompletableFuture<>();
        long seq;
        synchronized (this) {
            if (closedReason != null) {
                throw new PsException("cannot send to " + shard + ": " + closedReason, true);
            }
            seq = nextSeq++;
            outstanding.put(seq, answer);
            channel.writeAndFlush(build.apply(seq)).addListener(f -> {
                if (!f.isSuccess()) {
                    fail(seq, new PsException("sending to " + shard + " failed", true, f.cause()));
                }
            });
        }
        return new Pending(seq, answer);
    }

    /** The next sequence number this connection will use. */
    public synchronized long nextSeq() {
        return nextSeq;
    }

    public boolean isActive() {
        return channel.isActive() && closedReason == null;
    }

    /** Completes the request that {@code m} answers. */
    void answer(Message m) {
        CompletableFuture<Message> f = outstanding.remove(m.requestId());
        if (f == null) {
            return; // answered after its caller gave up
        }
        if (m instanceof ErrorResponse e) {
            f.completeExceptionally(switch (e.code()) {
                case TIMEOUT -> new PsTimeoutException(e.message());
                case TOO_LARGE -> new PsTooLargeException(e.message());
                default -> new PsException(e.message(), false);
            });
        } else {
            f.complete(m);
        }
    }

    void close() {
        channel.close();
    }

    private void fail(long seq, Throwable t) {
        CompletableFuture<Message> f = outstanding.remove(seq);
        if (f != null) {
            f.completeExceptionally(t);
        }
    }

    private void failAll(String reason) {
        synchronized (this) {
            closedReason = reason;
        }
        for (Long seq : outstanding.keySet()) {
            try {
                fail(seq, new PsException(shard + ": " + reason + " before request " + seq + " was answered", true));
            } catch (RuntimeException e) {
                // One failing callback must not keep the others from being told.
                org.apache.logging.log4j.LogManager.getLogger(ShardConnection.class)
                        .warn("{}: a callback failed while failing request {}", shard, seq, e);
            }
        }
    }
}
