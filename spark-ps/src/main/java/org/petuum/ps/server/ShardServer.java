package org.petuum.ps.server;

import com.codahale.metrics.MetricRegistry;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.petuum.ps.PsConf;
import org.petuum.ps.metrics.ShardMetrics;
import org.petuum.ps.protocol.DeltaArrays;
import org.petuum.ps.protocol.FrameDecoder;
import org.petuum.ps.protocol.FrameLayout;
import org.petuum.ps.protocol.Hello;
import org.petuum.ps.protocol.MessageDecoder;
import org.petuum.ps.protocol.MessageEncoder;
import org.petuum.ps.protocol.ProtocolException;
import org.petuum.ps.security.PsSecurity;
import org.petuum.shaded.io.netty.bootstrap.ServerBootstrap;
import org.petuum.shaded.io.netty.channel.Channel;
import org.petuum.shaded.io.netty.channel.ChannelInitializer;
import org.petuum.shaded.io.netty.channel.ChannelOption;
import org.petuum.shaded.io.netty.channel.EventLoopGroup;
import org.petuum.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import org.petuum.shaded.io.netty.channel.group.ChannelGroup;
import org.petuum.shaded.io.netty.channel.group.DefaultChannelGroup;
import org.petuum.shaded.io.netty.channel.nio.NioIoHandler;
import org.petuum.shaded.io.netty.channel.socket.SocketChannel;
import org.petuum.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import org.petuum.shaded.io.netty.handler.timeout.IdleStateHandler;
import org.petuum.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import org.petuum.shaded.io.netty.util.concurrent.GlobalEventExecutor;
import org.petuum.shaded.io.netty.util.concurrent.ScheduledFuture;

/**
 * One shard of the parameter server: a TCP endpoint (one per executor JVM) that holds its part of every
 * table. The composition root of the executor's server side: it owns its event loops, and {@link #close()}
 * releases all of them.
 *
 * <p>Every connection must start with a {@link Hello} of this build's protocol version and, when the
 * {@link PsSecurity} given authenticates, prove that it holds the application's secret before any table
 * operation (see {@code ConnectionHandler}). With TLS, a TLS handler is first in every connection's pipeline. A
 * malformed frame, an oversized one, a broken or unfinished handshake ({@link PsConf#CONNECT_TIMEOUT}) or a
 * connection silent for {@link PsConf#IDLE_TIMEOUT} closes that connection only, with a logged reason. Until its
 * handshake completes a connection may send only small frames ({@link FrameLayout#HANDSHAKE_FRAME_BYTES}); at
 * most {@link PsConf#MAX_CONNECTIONS} connections are open at once, further ones are closed when accepted.
 */
public final class ShardServer implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(ShardServer.class);
    private static final long EXPIRY_PERIOD_MS = 50;
    private static final long REFUSAL_LOG_PERIOD_NS = TimeUnit.SECONDS.toNanos(1);

    private final String name;
    private final PsConf conf;
    private final ShardService service;
    private final EventLoopGroup group;
    private final Channel serverChannel;
    /** Every accepted connection, closed explicitly by {@link #close()}: shutting the event loops down alone may
     *  leave a connection open (and its client waiting) when the shutdown races with the loop's last pass. */
    private final ChannelGroup connections;
    private final ScheduledFuture<?> expiry;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong lastRefusalLog = new AtomicLong(System.nanoTime() - REFUSAL_LOG_PERIOD_NS);

    private ShardServer(String name, PsConf conf, String host, LongSupplier nanoTime, PsSecurity security,
                        MetricRegistry registry) throws InterruptedException {
        this.name = name;
        this.conf = conf;
        this.service = new ShardService(name, nanoTime, conf.maxFrameBytes(), conf.maxRowsPerRequest(),
                conf.bandwidthMbps(), registry, conf.checkpointDir());
        TrafficCounter traffic = new TrafficCounter(service.metrics());
        this.connections = new DefaultChannelGroup(name, GlobalEventExecutor.INSTANCE);
        this.group = new MultiThreadIoEventLoopGroup(conf.ioThreads(),
                new DefaultThreadFactory("petuum-shard", true), NioIoHandler.newFactory());
        try {
            ServerBootstrap b = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.RCVBUF_ALLOCATOR, FrameDecoder.reads())
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (!admit(ch)) {
                                return;
                            }
                            connections.add(ch);
                            if (security.encrypts()) {
                                ch.pipeline().addLast(
                                        security.newSslHandler(false, null, 0, conf.connectTimeoutMs()));
                            }
                            DeltaArrays deltas = new DeltaArrays();
                            ch.pipeline().addLast(traffic,
                                    new IdleStateHandler(conf.idleTimeoutMs(), 0, 0, TimeUnit.MILLISECONDS),
                                    new FrameDecoder(Math.min(FrameLayout.HANDSHAKE_FRAME_BYTES, conf.maxFrameBytes()),
                                            conf.maxFrameBytes()), new MessageDecoder(deltas),
                                    MessageEncoder.INSTANCE,
                                    new ConnectionHandler(name, service, security, conf.connectTimeoutMs(), deltas));
                        }
                    });
            this.serverChannel = b.bind(new InetSocketAddress(host, conf.port())).sync().channel();
            this.expiry = group.next().scheduleAtFixedRate(service::expireWaitingReads, EXPIRY_PERIOD_MS,
                    EXPIRY_PERIOD_MS, TimeUnit.MILLISECONDS);
        } catch (Throwable e) {
            // Also a failed bind: Netty throws the checked BindException without declaring it.
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        LOG.info("{}: serving on {} ({})", name, serverChannel.localAddress(), security);
    }

    /**
     * Counts an accepted connection in, or closes it at once when {@link PsConf#MAX_CONNECTIONS} are open. A
     * refusal is logged at most once a second, with how many there were, so a flood of connections cannot flood
     * the log. Runs on the new connection's event loop; never blocks.
     */
    private boolean admit(SocketChannel ch) {
        if (open.incrementAndGet() > conf.maxConnections()) {
            open.decrementAndGet();
            long n = refused.incrementAndGet();
            long now = System.nanoTime();
            long last = lastRefusalLog.get();
            if (now - last >= REFUSAL_LOG_PERIOD_NS && lastRefusalLog.compareAndSet(last, now)) {
                LOG.warn("{}: refused {} connection(s) so far, the latest from {}: {} connections are open ({})", name, n,
                        ch.remoteAddress(), conf.maxConnections(), PsConf.MAX_CONNECTIONS);
            }
            ch.close();
            return false;
        }
        ch.closeFuture().addListener(f -> open.decrementAndGet());
        return true;
    }

    /** Connections refused because {@link PsConf#MAX_CONNECTIONS} were open (for tests and metrics). */
    public long refusedConnections() {
        return refused.get();
    }

    /**
     * Starts a shard server bound to {@code host} on the configured port (0: any free port).
     *
     * @param name a name for log and error messages, e.g. "shard on executor 1"
     */
    public static ShardServer start(String name, PsConf conf, String host) throws InterruptedException {
        return new ShardServer(name, conf, host, System::nanoTime, PsSecurity.none(), new MetricRegistry());
    }

    /** As {@link #start(String, PsConf, String)}, with an injected clock for read deadlines. */
    public static ShardServer start(String name, PsConf conf, String host, LongSupplier nanoTime)
            throws InterruptedException {
        return new ShardServer(name, conf, host, nanoTime, PsSecurity.none(), new MetricRegistry());
    }

    /**
     * As {@link #start(String, PsConf, String)}, with every connection authenticated and encrypted as
     * {@code security} says.
     */
    public static ShardServer start(String name, PsConf conf, String host, PsSecurity security)
            throws InterruptedException {
        return new ShardServer(name, conf, host, System::nanoTime, security, new MetricRegistry());
    }

    /**
     * As {@link #start(String, PsConf, String, PsSecurity)}, with this shard's metrics ({@code shard.*}, see
     * {@link ShardMetrics}) registered in {@code registry}.
     */
    public static ShardServer start(String name, PsConf conf, String host, PsSecurity security, MetricRegistry registry)
            throws InterruptedException {
        return new ShardServer(name, conf, host, System::nanoTime, security, registry);
    }

    /**
     * Where this shard learns the application's id, which names the folder of its checkpoints below
     * {@link PsConf#CHECKPOINT_DIR}; asked when a run starts. Until set, the folder is {@code unnamed-application}.
     */
    public void applicationId(java.util.function.Supplier<String> id) {
        service.applicationId(id);
    }

    /** This shard's metrics. */
    public ShardMetrics metrics() {
        return service.metrics();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    public String name() {
        return name;
    }

    /** Bytes this shard pushed under managed communication (for tests and metrics). */
    public long managedPushBytes() {
        return service.managedPushBytes();
    }

    /** The number of reads waiting for slower workers (for tests and metrics). */
    public int waitingReads() {
        return service.waitingReads();
    }

    @Override
    public void close() {
        expiry.cancel(false);
        serverChannel.close().awaitUninterruptibly(conf.connectTimeoutMs());
        connections.close().awaitUninterruptibly(conf.connectTimeoutMs());
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        service.close();
        LOG.info("{}: stopped", name);
    }

    static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c && !(c instanceof ProtocolException)) {
            c = c.getCause();
        }
        return c.getClass().getSimpleName() + ": " + c.getMessage();
    }
}
