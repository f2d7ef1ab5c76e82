package org.petuum.ps.server;

import com.codahale.metrics.MetricRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.petuum.ps.PsConf;
import org.petuum.ps.protocol.Ack;
import org.petuum.ps.protocol.AwaitClock;
import org.petuum.ps.protocol.BeginRun;
import org.petuum.ps.protocol.CreateTable;
import org.petuum.ps.protocol.DropTable;
import org.petuum.ps.protocol.ErrorResponse;
import org.petuum.ps.protocol.Flush;
import org.petuum.ps.protocol.FrameLayout;
import org.petuum.ps.protocol.GetRows;
import org.petuum.ps.protocol.Message;
import org.petuum.ps.protocol.PutRows;
import org.petuum.ps.protocol.ReadRange;
import org.petuum.ps.protocol.Restore;
import org.petuum.ps.protocol.RowPush;
import org.petuum.ps.protocol.Update;
import org.petuum.ps.protocol.Rows;
import org.petuum.shaded.io.netty.channel.Channel;
import org.petuum.ps.metrics.ShardMetrics;
import org.petuum.ssp.AnswerTooLargeException;
import org.petuum.ssp.CheckpointImage;
import org.petuum.ssp.ExpiredRead;
import org.petuum.ssp.FlushResult;
import org.petuum.ssp.RowPartitioner;
import org.petuum.ssp.ServedRead;
import org.petuum.ssp.ShardRead;
import org.petuum.ssp.ShardState;
import org.petuum.ssp.ShardStorage;
import org.petuum.ssp.TableRef;

/**
 * The request handling of one shard: feeds table operations into its {@link ShardState} and answers them.
 *
 * <p>Threading: the connections' event-loop threads call in concurrently; one lock (this object's monitor)
 * serialises every access to the shard state, because the state machine's operations are short and the
 * shard's minimum clock must be seen consistently by flushes and reads. Replies are written outside the lock.
 */
final class ShardService {
    private static final Logger LOG = LogManager.getLogger(ShardService.class);

    /** Who to answer: the connection and the request id. */
    record Token(Channel channel, long requestId, long arrivedNanos, int workerClock) {
    }

    private final String name;
    private final LongSupplier nanoTime;
    private final int maxFrameBytes;
    private final int maxRowsPerRequest;
    private final ShardPushes pushing;
    private ShardState<Token> state;
    private int numShards;
    private final Map<Channel, Long> lastHandled = new HashMap<>();
    private final ShardCheckpoints checkpoints;
    private final ShardMetrics metrics;

    /**
     * @param maxRowsPerRequest the most rows one read may ask for; more are refused before anything is copied
     * @param bandwidthMbps the budget of managed pushes (the most-changed rows, after updates sent between
     *                      clocks); 0 turns them off
     * @param checkpointRoot this shard's own checkpoint folder: every run's images go below it
     */
    ShardService(String name, LongSupplier nanoTime, int maxFrameBytes, int maxRowsPerRequest, double bandwidthMbps,
                 MetricRegistry registry, String checkpointRoot) {
        this.name = name;
        this.maxRowsPerRequest = maxRowsPerRequest;
        this.metrics = new ShardMetrics(registry, this::storage);
        this.checkpoints = new ShardCheckpoints(name, checkpointRoot, metrics);
        this.nanoTime = nanoTime;
        this.maxFrameBytes = maxFrameBytes;
        this.pushing = new ShardPushes(maxFrameBytes, bandwidthMbps, nanoTime, metrics);
    }

    ShardMetrics metrics() {
        return metrics;
    }

    /** Where the application's id comes from, asked when a run starts (it may be assigned after the shard). */
    void applicationId(Supplier<String> id) {
        checkpoints.applicationId(id);
    }

    /** What the shard stores now (for the metrics' gauges). */
    synchronized ShardStorage storage() {
        return state == null ? new ShardStorage(0, 0, 0) : state.storage();
    }

    /** Bytes sent in managed pushes so far. */
    synchronized long managedPushBytes() {
        return pushing.managedBytes();
    }

    /** Stops the checkpoint threads, letting the work in progress finish (bounded). */
    void close() {
        checkpoints.close();
    }

    /** A connection closed: its waiting reads will never be answered, so stop holding them. */
    synchronized void connectionClosed(Channel channel) {
        lastHandled.remove(channel);
        if (state != null) {
            state.dropWaiting(t -> t.channel() == channel);
            state.unsubscribe(channel);
        }
    }

    /**
     * Records, under the lock and before the request changes anything, that {@code channel}'s requests up to
     * {@code seq} are handled: a pushed row then holds every request of that process up to its watermark.
     */
    private void handled(Channel channel, long seq) {
        lastHandled.put(channel, seq);
    }

    /** Handles one request from {@code channel}. Never throws: failures become an {@link ErrorResponse}. */
    void handle(Channel channel, Message m) {
        metrics.requestsIn.inc();
        try {
            dispatch(channel, m);
        } catch (AnswerTooLargeException e) {
            reply(channel, new ErrorResponse(m.requestId(), ErrorResponse.Code.TOO_LARGE, name + ": " + e.getMessage()));
        } catch (IllegalArgumentException | IllegalStateException | IndexOutOfBoundsException e) {
            reply(channel, new ErrorResponse(m.requestId(), ErrorResponse.Code.BAD_REQUEST, name + ": " + e.getMessage()));
        } catch (RuntimeException e) {
            LOG.error("{}: failed to handle {} from {}", name, m.type(), channel.remoteAddress(), e);
            reply(channel, new ErrorResponse(m.requestId(), ErrorResponse.Code.INTERNAL, name + ": " + e));
        }
    }

    private void dispatch(Channel ch, Message m) {
        if (m instanceof CreateTable c) {
            Rows.checkFits(c.spec(), maxFrameBytes);
            synchronized (this) {
                layout(c.shardIndex(), c.numShards()).createTable(new TableRef(c.tableId(), c.spec()));
            }
            reply(ch, new Ack(c.requestId(), true));
        } else if (m instanceof DropTable d) {
            synchronized (this) {
                if (state != null) {
                    state.dropTable(d.tableId());
                }
            }
            reply(ch, new Ack(d.requestId(), true));
        } else if (m instanceof BeginRun b) {
            List<ExpiredRead<Token>> failed;
            CheckpointImage start = null;
            boolean taking = b.checkpointRun() > 0;
            ShardCheckpoints.Attempt attempt = taking
                    ? new ShardCheckpoints.Attempt(checkpoints.runDir(b.checkpointRun()), b.runId()) : null;
            synchronized (this) {
                ShardState<Token> st = layout(b.shardIndex(), b.numShards());
                failed = st.beginRun(b.runId(), b.workers(), b.startClock(), taking ? b.checkpointInterval() : 0);
                checkpoints.begin(attempt);
                if (taking && b.writeStartImage()) {
                    start = st.checkpointNow();
                }
            }
            failExpired(failed, ErrorResponse.Code.BAD_REQUEST);
            if (start != null) {
                // The image a failed run falls back to: on disk before the run may start (written off this thread).
                checkpoints.writeStart(attempt, start, () -> reply(ch, new Ack(b.requestId(), true)),
                        e -> reply(ch, new ErrorResponse(b.requestId(), ErrorResponse.Code.INTERNAL,
                                name + ": " + e.getMessage())));
            } else {
                reply(ch, new Ack(b.requestId(), true));
            }
        } else if (m instanceof Flush f) {
            FlushResult<Token> result;
            List<ShardPushes.Outgoing> pushes;
            List<Answer> answers;
            synchronized (this) {
                long start = System.nanoTime();
                try {
                    handled(ch, f.requestId());
                    result = active().flush(f.runId(), f.worker(), f.clock(), f.updates(), f.last(), ch);
                    pushes = pushing.messages(state.runId(), result.pushes(), lastHandled);
                    answers = answers(result.released(), true);
                } finally {
                    metrics.applyNanos.inc(System.nanoTime() - start);
                }
            }
            (result.applied() ? metrics.flushesApplied : metrics.flushesDuplicate).inc();
            reply(ch, new Ack(f.requestId(), result.applied()));
            send(answers);
            for (ShardPushes.Outgoing p : pushes) {
                reply(p.channel(), p.message());
            }
            for (CheckpointImage image : result.checkpoints()) {
                checkpoints.writePeriodic(image);
            }
        } else if (m instanceof AwaitClock a) {
            long now = nanoTime.getAsLong();
            List<Answer> answers;
            synchronized (this) {
                handled(ch, a.requestId());
                ServedRead<Token> served = active().read(ShardRead.awaitClock(
                        new Token(ch, a.requestId(), now, a.workerClock()), a.othersOnly(), a.minClock(),
                        a.worker(), a.workerClock(), now, now + a.timeoutMs() * 1_000_000L));
                answers = served == null ? List.of() : answers(List.of(served), false);
            }
            send(answers);
        } else if (m instanceof GetRows g) {
            if (g.tableId() < 0) {
                throw new IllegalArgumentException("GET_ROWS of table id " + g.tableId()
                        + " (expected: >= 0; to wait for clocks alone, send AWAIT_CLOCK)");
            }
            if (g.rows().length > maxRowsPerRequest) {
                // Refused before the lock is taken or a row copied: the request alone may not size the work.
                reply(ch, new ErrorResponse(g.requestId(), ErrorResponse.Code.TOO_LARGE, name + ": a read of "
                        + g.rows().length + " rows is over the limit of " + maxRowsPerRequest + " rows per request ("
                        + PsConf.MAX_ROWS_PER_REQUEST + "); read fewer rows at a time"));
                return;
            }
            long now = nanoTime.getAsLong();
            List<Answer> answers;
            synchronized (this) {
                handled(ch, g.requestId());
                ServedRead<Token> served = active().read(new ShardRead<>(
                        new Token(ch, g.requestId(), now, g.workerClock()),
                        g.tableId(), g.rows(), g.minVersion(), g.worker(), g.workerClock(), now,
                        now + g.timeoutMs() * 1_000_000L, ch));
                answers = served == null ? List.of() : answers(List.of(served), false);
            }
            send(answers);
        } else if (m instanceof Update u) {
            List<ShardPushes.Outgoing> pushes;
            synchronized (this) {
                long start = System.nanoTime();
                try {
                    handled(ch, u.requestId());
                    active().applyEarly(u.runId(), u.worker(), u.clock(), u.updates());
                    pushes = pushing.mostChanged(state, lastHandled);
                } finally {
                    metrics.applyNanos.inc(System.nanoTime() - start);
                }
            }
            reply(ch, new Ack(u.requestId(), true));
            for (ShardPushes.Outgoing p : pushes) {
                reply(p.channel(), p.message());
            }
        } else if (m instanceof ReadRange r) {
            Rows rows;
            synchronized (this) {
                rows = new Rows(r.requestId(), active().readRange(r.tableId(), r.fromRow(), r.toRow()));
            }
            reply(ch, rows);
        } else if (m instanceof Restore r) {
            int shard;
            int shards;
            synchronized (this) {
                shard = active().shardIndex();
                shards = numShards;
            }
            // Read off this thread; the tables change under the lock once the image is in memory.
            checkpoints.restore(r.checkpointRun(), r.attempt(), r.clock(), shard, shards, image -> {
                List<ExpiredRead<Token>> failed;
                synchronized (this) {
                    failed = active().restore(image);
                }
                failExpired(failed, ErrorResponse.Code.BAD_REQUEST);
            }, () -> reply(ch, new Ack(r.requestId(), true)), e -> reply(ch, new ErrorResponse(r.requestId(),
                    e instanceof IllegalArgumentException ? ErrorResponse.Code.BAD_REQUEST : ErrorResponse.Code.INTERNAL,
                    name + ": " + e.getMessage())));
        } else if (m instanceof PutRows p) {
            synchronized (this) {
                active().putRows(p.tableId(), p.rows(), p.values());
            }
            reply(ch, new Ack(p.requestId(), true));
        } else {
            throw new IllegalArgumentException("a shard does not accept " + m.type());
        }
    }

    /** Fails every waiting read whose deadline has passed. Called periodically from one timer thread. */
    void expireWaitingReads() {
        List<ExpiredRead<Token>> expired;
        synchronized (this) {
            if (state == null || state.waitingReads() == 0) {
                return;
            }
            expired = state.expire(nanoTime.getAsLong());
        }
        metrics.readsTimedOut.inc(expired.size());
        failExpired(expired, ErrorResponse.Code.TIMEOUT);
    }

    synchronized int waitingReads() {
        return state == null ? 0 : state.waitingReads();
    }

    private ShardState<Token> layout(int shardIndex, int numShards) {
        if (state == null) {
            state = new ShardState<>(shardIndex, new RowPartitioner(numShards));
            state.managedPush(pushing.managed(), RowPush.FRAME_OVERHEAD);
            // An answer must fit one frame: sized from the stored rows before any of them is copied.
            state.limitAnswers(maxFrameBytes - Rows.FRAME_OVERHEAD, Rows::rowBytes, PsConf.MAX_FRAME_BYTES);
            this.numShards = numShards;
        } else if (state.shardIndex() != shardIndex) {
            throw new IllegalStateException("this server is shard " + state.shardIndex() + ", not shard " + shardIndex);
        }
        return state;
    }

    private ShardState<Token> active() {
        if (state == null) {
            throw new IllegalStateException("no table has been created on this shard yet");
        }
        return state;
    }

    /** An answer to send once the lock is released. */
    private record Answer(Channel channel, Message message) {
    }

    /**
     * Answers to served reads, each with its connection's watermark taken now, under the lock.
     *
     * @param waited whether the reads had been parked, waiting for slower workers
     */
    private List<Answer> answers(List<ServedRead<Token>> served, boolean waited) {
        if (served.isEmpty()) {
            return List.of();
        }
        long now = nanoTime.getAsLong();
        List<Answer> out = new ArrayList<>(served.size());
        for (ServedRead<Token> s : served) {
            if (s.refused() != null) {
                out.add(new Answer(s.token().channel(), new ErrorResponse(s.token().requestId(),
                        ErrorResponse.Code.TOO_LARGE, name + ": " + s.refused())));
                continue;
            }
            if (s.rows().tableId() >= 0) {
                // How many clocks the rows lag behind the reader's own clock; clock waits (no table) are not reads.
                metrics.stalenessServed.update(Math.max(0, s.token().workerClock() - s.rows().version()));
                if (waited) {
                    metrics.readsWaited.inc();
                    metrics.readWaitMillis.update((now - s.token().arrivedNanos()) / 1_000_000);
                }
            }
            Channel ch = s.token().channel();
            long watermark = lastHandled.getOrDefault(ch, s.token().requestId());
            out.add(new Answer(ch, new Rows(s.token().requestId(), watermark, s.rows())));
        }
        return out;
    }

    private void send(List<Answer> answers) {
        for (Answer a : answers) {
            reply(a.channel(), a.message());
        }
    }

    private void failExpired(List<ExpiredRead<Token>> expired, ErrorResponse.Code code) {
        for (ExpiredRead<Token> e : expired) {
            reply(e.token().channel(), new ErrorResponse(e.token().requestId(), code, name + ": " + e.message()));
        }
    }

    private void reply(Channel ch, Message m) {
        if (!ch.isActive()) {
            return;
        }
        metrics.messagesOut.inc();
        long frame = FrameLayout.frameBytes(m);
        if (frame > maxFrameBytes) {
            // The peer would drop the connection, failing every other request on it; fail only this one.
            m = new ErrorResponse(m.requestId(), ErrorResponse.Code.TOO_LARGE, name + ": the answer to request "
                    + m.requestId() + " would be a frame of " + frame + " bytes, over the limit of " + maxFrameBytes
                    + " (spark.petuum.maxFrameBytes); ask for fewer rows at a time");
        }
        ch.writeAndFlush(m);
    }
}
