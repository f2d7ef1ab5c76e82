package org.petuum.ps.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.petuum.ps.PsConf;
import org.petuum.ps.PsException;
import org.petuum.ps.PsTimeoutException;
import org.petuum.ps.PsTooLargeException;
import org.petuum.ps.ShardAddress;
import org.petuum.ps.protocol.FrameDecoder;
import org.petuum.ps.protocol.Message;
import org.petuum.ps.protocol.MessageDecoder;
import org.petuum.ps.protocol.MessageEncoder;
import org.petuum.ps.security.PsSecurity;
import org.petuum.shaded.io.netty.bootstrap.Bootstrap;
import org.petuum.shaded.io.netty.channel.Channel;
import org.petuum.shaded.io.netty.channel.ChannelFuture;
import org.petuum.shaded.io.netty.channel.ChannelHandlerContext;
import org.petuum.shaded.io.netty.channel.ChannelInitializer;
import org.petuum.shaded.io.netty.channel.ChannelOption;
import org.petuum.shaded.io.netty.channel.EventLoopGroup;
import org.petuum.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import org.petuum.shaded.io.netty.channel.SimpleChannelInboundHandler;
import org.petuum.shaded.io.netty.channel.nio.NioIoHandler;
import org.petuum.shaded.io.netty.channel.socket.SocketChannel;
import org.petuum.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import org.petuum.shaded.io.netty.handler.ssl.SslHandler;
import org.petuum.shaded.io.netty.util.AttributeKey;
import org.petuum.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import org.petuum.ps.protocol.RowPush;
import org.petuum.ssp.CachedRow;
import org.petuum.ssp.ProcessCache;
import org.petuum.ssp.RowsSnapshot;

/**
 * This process's side of the parameter server: one connection per shard and the process cache, shared by
 * every task that runs in the JVM. The composition root of the client side; {@link #close()} releases its
 * event loops and connections.
 *
 * <p>Every connection is greeted before use ({@link ClientHandshake}): {@code HELLO}, and when the shard asks
 * for it (and it must, when the {@link PsSecurity} given authenticates) the challenge–response that proves both
 * ends hold the application's secret. With TLS, a TLS handler is first in every connection's pipeline; it checks the shard's
 * certificate names the shard's host (unless {@link PsConf#SSL_VERIFY_HOSTNAME} is off), and the proofs are bound
 * to that certificate. Rows a shard pushes unasked are installed only once it has completed the handshake on that
 * connection, and only rows this process read on it ({@link #refusedPushRows()} counts the others).
 *
 * <p>Thread-safe: tasks call it concurrently.
 */
public final class PsClient implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(PsClient.class);
    private static final AttributeKey<ShardConnection> CONNECTION = AttributeKey.valueOf("petuum.connection");
    /** The shard a channel connects to, set before it connects: its TLS handler checks the host name. */
    private static final AttributeKey<ShardAddress> TARGET = AttributeKey.valueOf("petuum.target");
    /**
     * A channel's TLS handler, kept apart from its pipeline: a channel the shard closed at once loses its handlers,
     * and its failed TLS handshake must still be reported as one.
     */
    private static final AttributeKey<SslHandler> TLS = AttributeKey.valueOf("petuum.tls");
    /** At most one log line per this many nanoseconds about refused pushes. */
    private static final long REFUSED_LOG_INTERVAL_NANOS = 1_000_000_000L;
    /** See {@link #spinUntil}: set from {@link PsConf#spinMicros()} by every client made (one value a process). */
    private static volatile long spinNanos = 200_000L;

    private final String name;
    private final PsConf conf;
    private final PsSecurity security;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final ClientHandshake handshake;
    private final ProcessCache cache;
    private final ConcurrentHashMap<String, ShardConnection> connections = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Long> nextSeqs = new ConcurrentHashMap<>();
    /** Connections being made, by shard: who asks meanwhile waits for this one rather than connecting again. */
    private final ConcurrentHashMap<String, CompletableFuture<ShardConnection>> connecting = new ConcurrentHashMap<>();
    private volatile long runId = Long.MIN_VALUE;
    private final LongSupplier nanoTime;
    private volatile ClockListener clockListener = ClockListener.NONE;
    /** Pushed rows refused (before the shard proved itself, or rows never read on that connection). */
    private final AtomicLong refusedPushRows = new AtomicLong();
    /** When a refused push was last logged ({@link #nanoTime}), or {@code Long.MIN_VALUE}. */
    private final AtomicLong refusedLoggedAt = new AtomicLong(Long.MIN_VALUE);

    /** A client without authentication and without TLS. */
    public PsClient(String name, PsConf conf) {
        this(name, conf, PsSecurity.none());
    }

    /** A client that authenticates and encrypts as {@code security} says. */
    public PsClient(String name, PsConf conf, PsSecurity security) {
        this(name, conf, security, System::nanoTime);
    }

    /** As {@link #PsClient(String, PsConf, PsSecurity)}, with an injected clock for bandwidth budgets. */
    public PsClient(String name, PsConf conf, PsSecurity security, LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        spinNanos = conf.spinMicros() * 1_000L;
        this.cache = new ProcessCache(conf.cacheMaxRows());
        this.name = name;
        this.conf = conf;
        this.security = security;
        this.handshake = new ClientHandshake(name, conf, security);
        this.group = new MultiThreadIoEventLoopGroup(conf.ioThreads(),
                new DefaultThreadFactory("petuum-client", true), NioIoHandler.newFactory());
        this.bootstrap = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.RCVBUF_ALLOCATOR, FrameDecoder.reads())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) conf.connectTimeoutMs())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (security.encrypts()) {
                            ShardAddress target = ch.attr(TARGET).get();
                            SslHandler tls = security.newSslHandler(true, target.host(), target.port(),
                                    conf.connectTimeoutMs());
                            ch.attr(TLS).set(tls);
                            ch.pipeline().addLast(tls);
                        }
                        ch.pipeline().addLast(new FrameDecoder(conf.maxFrameBytes()), new MessageDecoder(),
                                MessageEncoder.INSTANCE, new AnswerHandler());
                    }
                });
    }

    public String name() {
        return name;
    }

    public PsConf conf() {
        return conf;
    }

    /** The clock that budgets of this process's workers run on. */
    public LongSupplier nanoTime() {
        return nanoTime;
    }

    /** Who hears of the clocks this process's workers complete (the plugin's progress reports to the driver). */
    public ClockListener clockListener() {
        return clockListener;
    }

    public void clockListener(ClockListener listener) {
        this.clockListener = listener;
    }

    /** The rows this process has fetched, shared by its tasks. */
    public ProcessCache cache() {
        return cache;
    }

    /**
     * Called by every worker of run {@code id} before it reads: the first worker of a new run empties the
     * cache, because row versions count the clocks of one run only.
     */
    public synchronized void enterRun(long id) {
        if (id != runId) {
            cache.clear();
            runId = id;
        }
    }

    /**
     * The open connection to {@code shard}, connecting (and greeting) it first if needed.
     *
     * <p>Blocks while this shard is being connected, at most about twice {@link PsConf#CONNECT_TIMEOUT}
     * (connection, then TLS and the handshake, each bounded by it). Only callers for the same shard wait for one
     * another: one thread connects and the others wait for its result, so a shard that does not answer delays no
     * connection to any other shard.
     *
     * @throws PsTimeoutException if connecting or the handshake took too long
     * @throws PsException        if the shard cannot be reached or refused the handshake
     */
    public ShardConnection connection(ShardAddress shard) {
        String key = shard.host() + ":" + shard.port();
        ShardConnection c = connections.get(key);
        if (c != null && c.isActive()) {
            return c;
        }
        CompletableFuture<ShardConnection> mine = new CompletableFuture<>();
        CompletableFuture<ShardConnection> underWay = connecting.putIfAbsent(key, mine);
        if (underWay != null) {
            return await(underWay, 2 * conf.connectTimeoutMs() + 3000, () -> "connecting to " + shard);
        }
        try {
            c = connections.get(key);
            if (c == null || !c.isActive()) {
                c = connect(shard, key, c);
                connections.put(key, c);
            }
            mine.complete(c);
            return c;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            connecting.remove(key, mine);
        }
    }

    private ShardConnection connect(ShardAddress shard, String key, ShardConnection closed) {
        ChannelFuture cf = bootstrap.clone().attr(TARGET, shard).connect(shard.host(), shard.port());
        if (!cf.awaitUninterruptibly(conf.connectTimeoutMs() + 1000)) {
            cf.cancel(true);
            throw new PsTimeoutException(name + ": connecting to " + shard + " took longer than "
                    + conf.connectTimeoutMs() + " ms");
        }
        if (!cf.isSuccess()) {
            throw new PsException(name + ": cannot connect to " + shard, true, cf.cause());
        }
        Channel ch = cf.channel();
        // The closed connection's close listener may not have recorded its last sequence number yet: the
        // channel turns inactive before its listeners run. Sequence numbers must never go back.
        long firstSeq = Math.max(nextSeqs.getOrDefault(key, 1L), closed == null ? 1L : closed.nextSeq());
        ShardConnection c = new ShardConnection(shard, ch, firstSeq);
        ch.attr(CONNECTION).set(c);
        ch.closeFuture().addListener(f -> nextSeqs.merge(key, c.nextSeq(), Math::max));
        try {
            handshake.complete(c, ch.attr(TLS).get(), shard);
            c.proven();
        } catch (PsException e) {
            c.close(); // a connection that never completed its handshake is nobody's to close later
            throw e;
        }
        LOG.debug("{}: connected to {}", name, shard);
        return c;
    }

    /**
     * Waits for an answer at most {@code timeoutMs}.
     *
     * @throws PsTimeoutException naming {@code what} and the time waited
     * @throws PsException        the failure the answer carried
     */
    public static <T> T await(CompletableFuture<T> f, long timeoutMs, Supplier<String> what) {
        spinUntil(f::isDone);
        try {
            return f.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new PsTimeoutException("no answer from " + what.get() + " within " + timeoutMs + " ms", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof PsTimeoutException t) {
                throw new PsTimeoutException(t.getMessage(), t);
            }
            if (c instanceof PsTooLargeException t) {
                throw new PsTooLargeException(t.getMessage(), t);
            }
            if (c instanceof PsException p) {
                throw new PsException(p.getMessage(), p.retriable(), p);
            }
            throw new PsException("request to " + what.get() + " failed", true, c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PsException("interrupted while waiting for " + what.get(), true, e);
        }
    }

    /**
     * Watches {@code done} for up to {@link PsConf#SPIN_MICROS} before the caller parks, yielding the core on every
     * turn: an answer often comes within that, and a thread still running takes it at once, where a parked one is
     * woken tens of microseconds later (measured on loopback: a one-row read at 0.6–1.1 of a raw socket's round trip
     * with it, 1.5–1.8 without). Yielding lets the event loops that produce the answer, and any other runnable
     * thread, go first.
     */
    public static void spinUntil(BooleanSupplier done) {
        long spin = spinNanos;
        if (spin <= 0 || done.getAsBoolean()) {
            return;
        }
        long until = System.nanoTime() + spin;
        while (!done.getAsBoolean() && System.nanoTime() - until < 0) {
            Thread.yield();
        }
    }

    @Override
    public void close() {
        for (ShardConnection c : connections.values()) {
            c.close();
        }
        connections.clear();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    /**
     * How many pushed rows this client refused: pushed on a connection whose shard had not completed the handshake
     * (with authentication: not proved it holds the secret), or rows this process never read on that connection.
     */
    public long refusedPushRows() {
        return refusedPushRows.get();
    }

    /**
     * Installs rows a shard pushed (ESSP and ASYNC tables, managed pushes) on connection {@code c}: only once the
     * shard has proved itself on it, and only rows this process read on it; others are refused and counted. A
     * push of an earlier run is dropped.
     */
    private void installPush(ShardConnection c, RowPush p) {
        RowsSnapshot snap = p.snapshot();
        if (c == null || !c.isProven()) {
            refused(c, snap.size(), "before the shard completed the handshake");
            return;
        }
        if (p.runId() != runId) {
            return;
        }
        int refused = 0;
        for (int i = 0; i < snap.size(); i++) {
            if (c.mayPush(snap.tableId(), snap.rows()[i])) {
                cache.install(snap.tableId(), snap.rows()[i],
                        new CachedRow(snap.version(), p.watermark(), snap.values()[i]));
            } else {
                refused++;
            }
        }
        if (refused > 0) {
            refused(c, refused, "of table " + snap.tableId() + " that this process never read on that connection");
        }
    }

    private void refused(ShardConnection c, int rows, String why) {
        long total = refusedPushRows.addAndGet(rows);
        long now = nanoTime.getAsLong();
        long last = refusedLoggedAt.get();
        if ((last == Long.MIN_VALUE || now - last >= REFUSED_LOG_INTERVAL_NANOS)
                && refusedLoggedAt.compareAndSet(last, now)) {
            LOG.warn("{}: refused {} pushed rows {} from {} ({} refused so far)", name, rows, why,
                    c == null ? "an unknown connection" : c.shard(), total);
        }
    }

    /** Routes answers to the requests waiting for them, and pushed rows to the cache. */
    private final class AnswerHandler extends SimpleChannelInboundHandler<Message> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Message m) {
            if (!ctx.channel().isActive()) {
                // Frames that arrived in the same read as one that failed the connection, decoded after it was
                // closed: dropped unread, so a push behind a malformed frame is never installed.
                return;
            }
            ShardConnection c = ctx.channel().attr(CONNECTION).get();
            if (m instanceof RowPush p) {
                installPush(c, p);
                return;
            }
            if (c != null) {
                c.answer(m);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.warn("{}: closing connection to {}: {}", name, ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }
}
