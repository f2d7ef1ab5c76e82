package org.petuum.ps.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;
import org.petuum.ps.PsException;
import org.petuum.ps.PsTimeoutException;
import org.petuum.ps.PsTooLargeException;
import org.petuum.ps.ShardAddress;
import org.petuum.ps.protocol.ErrorResponse;
import org.petuum.ps.protocol.GetRows;
import org.petuum.ps.protocol.Message;
import org.petuum.shaded.fastutil.longs.LongOpenHashSet;
import org.petuum.shaded.io.netty.channel.Channel;
import org.petuum.shaded.io.netty.channel.ChannelPipeline;

/**
 * One connection from this process to one shard, shared by every task of the process.
 *
 * <p>Every request gets the next sequence number of this connection as its request id. Sequence numbers
 * and writes are assigned under one lock, so requests reach the shard in sequence order; because the shard
 * handles a connection's requests in order, an answer to request {@code n} reflects every request below
 * {@code n} — the basis of read-my-writes ({@link org.petuum.ssp.WorkerState}). When the connection closes,
 * every outstanding request fails, naming the shard.
 *
 * <p>What this connection may be pushed: nothing until the shard has completed the handshake ({@link #proven}),
 * and then only rows this process read on it, of tables that push ({@link #mayPush}). Such a read is recorded
 * when sent, before the shard can subscribe the connection to it, so a genuine push is never refused; reads of
 * tables that never push are not recorded, so that they cost no memory here.
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
    /** Set once the shard has completed the handshake (and, with authentication, proved it holds the secret). */
    private volatile boolean proven;
    /** (table, row) pairs of pushing tables read here, as {@code tableId << 32 | row}; guarded by itself. */
    private final LongOpenHashSet read = new LongOpenHashSet();

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
        return send(build, false);
    }

    /**
     * Sends the request that {@code build} makes for the next sequence number; when it is a read of rows and
     * {@code expectPushes} (a read of a table whose shard pushes its readers' rows: see
     * {@code Consistency#pushes}, {@code pushesOnFlush}, managed communication), the shard may push those rows on
     * this connection from then on.
     */
    public Pending send(LongFunction<Message> build, boolean expectPushes) {
        CompletableFuture<Message> answer = new CompletableFuture<>();
        long seq;
        synchronized (this) {
            if (closedReason != null) {
                throw new PsException("cannot send to " + shard + ": " + closedReason, true);
            }
            seq = nextSeq++;
            outstanding.put(seq, answer);
            Message request = build.apply(seq);
            if (expectPushes && request instanceof GetRows g && g.tableId() >= 0) {
                recordRead(g.tableId(), g.rows());
            }
            channel.writeAndFlush(request).addListener(f -> {
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

    /** Marks the handshake complete: the shard proved itself (or, without authentication, greeted back). */
    void proven() {
        proven = true;
    }

    /** Whether the shard has completed the handshake on this connection. */
    public boolean isProven() {
        return proven;
    }

    /**
     * Whether the shard may push row {@code row} of table {@code tableId} on this connection: it has completed
     * the handshake and this process read that row on this connection. Any thread.
     */
    public boolean mayPush(int tableId, int row) {
        if (!proven) {
            return false;
        }
        synchronized (read) {
            return read.contains(key(tableId, row));
        }
    }

    private void recordRead(int tableId, int[] rows) {
        synchronized (read) {
            for (int r : rows) {
                read.add(key(tableId, r));
            }
        }
    }

    private static long key(int tableId, int row) {
        return (long) tableId << 32 | (row & 0xffffffffL);
    }

    /** The connection's pipeline (its TLS handler, for the handshake's channel binding). */
    ChannelPipeline pipeline() {
        return channel.pipeline();
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
