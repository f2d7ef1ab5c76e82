package org.petuum.ps.server;

import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.petuum.ps.protocol.AuthChallenge;
import org.petuum.ps.protocol.AuthResponse;
import org.petuum.ps.protocol.DeltaArrays;
import org.petuum.ps.protocol.ErrorResponse;
import org.petuum.ps.protocol.FrameDecoder;
import org.petuum.ps.protocol.FrameLayout;
import org.petuum.ps.protocol.Hello;
import org.petuum.ps.protocol.HelloOk;
import org.petuum.ps.protocol.Message;
import org.petuum.ps.protocol.ProtocolException;
import org.petuum.ps.security.PsSecurity;
import org.petuum.shaded.io.netty.channel.ChannelHandlerContext;
import org.petuum.shaded.io.netty.channel.SimpleChannelInboundHandler;
import org.petuum.shaded.io.netty.handler.timeout.IdleStateEvent;
import org.petuum.shaded.io.netty.util.concurrent.ScheduledFuture;

/**
 * One connection of a shard server: runs the handshake, then hands requests to the shard.
 *
 * <p>The handshake: {@link Hello} of this build's protocol version, answered by {@link HelloOk}; or, when the
 * server authenticates, by an {@link AuthChallenge}, to which the client must answer with an {@link AuthResponse}
 * carrying a valid proof before {@link HelloOk} (with the server's proof) is sent. A wrong proof is answered
 * with an {@link ErrorResponse} and the connection closed; any other message before the handshake completes
 * closes the connection without an answer. Until then nothing reaches the shard. A connection that has not
 * completed its handshake within {@code handshakeTimeoutMs}, or that stays silent for the idle timeout (an
 * {@link IdleStateEvent} from the pipeline), is closed. Until the handshake completes, the connection's
 * {@link FrameDecoder} accepts only small frames ({@link FrameLayout#HANDSHAKE_FRAME_BYTES}); completing it
 * raises the limit to the configured one.
 *
 * <p>Not shareable; every method runs on the connection's event-loop thread, which owns the handshake state.
 */
final class ConnectionHandler extends SimpleChannelInboundHandler<Message> {
    private static final Logger LOG = LogManager.getLogger(ConnectionHandler.class);

    private enum State { AWAIT_HELLO, AWAIT_AUTH, READY, CLOSING }

    private final String name;
    private final ShardService service;
    private final PsSecurity security;
    private final long handshakeTimeoutMs;
    private State state = State.AWAIT_HELLO;
    private byte[] serverNonce;
    private ScheduledFuture<?> handshakeDeadline;
    /** Whether reading is paused because the peer does not read its answers. */
    private boolean paused;
    private final DeltaArrays deltas;

    /**
     * @param deltas what this connection's {@code MessageDecoder} decodes the rows of updates into: taken back
     *               once each message is handled
     */
    ConnectionHandler(String name, ShardService service, PsSecurity security, long handshakeTimeoutMs,
                      DeltaArrays deltas) {
        this.deltas = deltas;
        this.name = name;
        this.service = service;
        this.security = security;
        this.handshakeTimeoutMs = handshakeTimeoutMs;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        handshakeDeadline = ctx.executor().schedule(() -> {
            if (state != State.READY && ctx.channel().isActive()) {
                LOG.warn("{}: closing connection from {}: no completed handshake within {} ms", name,
                        ctx.channel().remoteAddress(), handshakeTimeoutMs);
                close(ctx);
            }
        }, handshakeTimeoutMs, TimeUnit.MILLISECONDS);
        super.channelActive(ctx);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Message m) {
        try {
            handle(ctx, m);
        } finally {
            // The shard keeps nothing of the rows of an update it applied (nor of one it refused).
            deltas.recycle();
        }
    }

    private void handle(ChannelHandlerContext ctx, Message m) {
        switch (state) {
            case READY -> {
                if (m instanceof Hello || m instanceof AuthResponse) {
                    throw new ProtocolException(m.type() + " after the handshake");
                }
                service.handle(ctx.channel(), m);
            }
            case AWAIT_HELLO -> hello(ctx, m);
            case AWAIT_AUTH -> authenticate(ctx, m);
            case CLOSING -> {
                // Frames that arrived in the same read as the one that failed the connection: dropped unread.
            }
        }
    }

    private void hello(ChannelHandlerContext ctx, Message m) {
        if (!(m instanceof Hello h)) {
            throw new ProtocolException("expected HELLO as the first message but got " + m.type());
        }
        if (h.protocolVersion() != Message.PROTOCOL_VERSION) {
            refuse(ctx, h.requestId(), "protocol version " + h.protocolVersion() + " is not supported (expected "
                    + Message.PROTOCOL_VERSION + ")");
            return;
        }
        if (security.authenticates()) {
            serverNonce = security.nonce();
            state = State.AWAIT_AUTH;
            ctx.writeAndFlush(new AuthChallenge(h.requestId(), serverNonce));
        } else {
            ready(ctx, new HelloOk(h.requestId(), Message.PROTOCOL_VERSION, name));
        }
    }

    private void authenticate(ChannelHandlerContext ctx, Message m) {
        if (!(m instanceof AuthResponse r)) {
            throw new ProtocolException("expected AUTH_RESPONSE but got " + m.type() + " before authenticating");
        }
        byte[] clientNonce = r.clientNonce();
        // With TLS, both proofs cover the certificate this server presented: a relay that showed the client its
        // own certificate cannot pass the client's proof on (see PsSecurity).
        byte[] binding = security.channelBinding(ctx.pipeline(), false);
        if (!security.isClientProof(r.proof(), serverNonce, clientNonce, binding)) {
            LOG.warn("{}: closing connection from {}: authentication failed", name, ctx.channel().remoteAddress());
            refuse(ctx, r.requestId(), "authentication failed: the client does not hold this application's secret "
                    + "(spark.authenticate)" + (binding.length > 0 ? ", or it sees another TLS certificate than this "
                    + "server's (a relay between them)" : ""));
            return;
        }
        ready(ctx, new HelloOk(r.requestId(), Message.PROTOCOL_VERSION, name,
                security.serverProof(serverNonce, clientNonce, binding)));
    }

    private void ready(ChannelHandlerContext ctx, HelloOk answer) {
        state = State.READY;
        serverNonce = null;
        FrameDecoder frames = ctx.pipeline().get(FrameDecoder.class);
        if (frames != null) {
            frames.raiseLimit();
        }
        if (handshakeDeadline != null) {
            handshakeDeadline.cancel(false);
        }
        ctx.writeAndFlush(answer);
    }

    /** Answers {@code requestId} with a BAD_REQUEST error, then closes. */
    private void refuse(ChannelHandlerContext ctx, long requestId, String why) {
        state = State.CLOSING;
        ctx.writeAndFlush(new ErrorResponse(requestId, ErrorResponse.Code.BAD_REQUEST, name + ": " + why))
                .addListener(f -> ctx.close());
    }

    private void close(ChannelHandlerContext ctx) {
        state = State.CLOSING;
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            LOG.info("{}: closing connection from {}: idle", name, ctx.channel().remoteAddress());
            close(ctx);
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    /**
     * Back-pressure: while the connection's outgoing buffer is over its high-water mark (the peer does not read its
     * answers), its requests are not read either, so a peer cannot make the shard buffer answers without bound;
     * reading resumes once the buffer drains below the low-water mark.
     */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        pause(ctx, !ctx.channel().isWritable());
        super.channelWritabilityChanged(ctx);
    }

    private void pause(ChannelHandlerContext ctx, boolean pause) {
        if (pause != paused) {
            paused = pause;
            ctx.channel().config().setAutoRead(!pause);
            if (pause) {
                service.metrics().connectionsPaused.inc();
            } else {
                service.metrics().connectionsPaused.dec();
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (paused) {
            paused = false;
            service.metrics().connectionsPaused.dec();
        }
        if (handshakeDeadline != null) {
            handshakeDeadline.cancel(false);
        }
        service.connectionClosed(ctx.channel());
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (state != State.CLOSING) {
            LOG.warn("{}: closing connection from {}: {}", name, ctx.channel().remoteAddress(),
                    ShardServer.rootMessage(cause));
        }
        close(ctx);
    }
}
