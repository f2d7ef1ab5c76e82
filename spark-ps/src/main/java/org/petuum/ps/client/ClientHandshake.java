package org.petuum.ps.client;

import java.util.function.LongFunction;
import org.petuum.ps.PsConf;
import org.petuum.ps.PsException;
import org.petuum.ps.PsTimeoutException;
import org.petuum.ps.ShardAddress;
import org.petuum.ps.protocol.AuthChallenge;
import org.petuum.ps.protocol.AuthResponse;
import org.petuum.ps.protocol.Hello;
import org.petuum.ps.protocol.HelloOk;
import org.petuum.ps.protocol.Message;
import org.petuum.ps.security.PsSecurity;
import org.petuum.shaded.io.netty.channel.Channel;
import org.petuum.shaded.io.netty.handler.ssl.SslHandler;
import org.petuum.shaded.io.netty.util.concurrent.Future;

/**
 * The client's half of a new connection's handshake: the TLS handshake when {@link PsSecurity#encrypts()}, then
 * {@code HELLO} and, when the shard challenges (and it must, when {@code security} authenticates), the proof that
 * this client holds the application's secret and the check of the shard's proof, both bound to the shard's TLS
 * certificate when there is one.
 *
 * <p>Thread-safe (it holds only its configuration); {@link #complete} blocks the connecting thread for at most
 * about twice {@link PsConf#CONNECT_TIMEOUT}.
 */
final class ClientHandshake {
    private final String name;
    private final PsConf conf;
    private final PsSecurity security;

    ClientHandshake(String name, PsConf conf, PsSecurity security) {
        this.name = name;
        this.conf = conf;
        this.security = security;
    }

    /**
     * Completes the handshake on {@code c}: waits for {@code tls} (the channel's TLS handler, or {@code null}
     * without TLS) and then greets the shard.
     *
     * @throws PsTimeoutException if a step took longer than {@link PsConf#CONNECT_TIMEOUT}
     * @throws PsException        if TLS failed, or the shard refused the handshake or did not prove itself
     */
    void complete(ShardConnection c, SslHandler tls, ShardAddress shard) {
        awaitTls(tls, shard);
        greet(c, shard);
    }

    private void awaitTls(SslHandler tls, ShardAddress shard) {
        if (tls == null) {
            return;
        }
        Future<Channel> done = tls.handshakeFuture();
        if (!done.awaitUninterruptibly(conf.connectTimeoutMs() + 1000)) {
            throw new PsTimeoutException(name + ": the TLS handshake with " + shard + " took longer than "
                    + conf.connectTimeoutMs() + " ms");
        }
        if (!done.isSuccess()) {
            throw new PsException(name + ": the TLS handshake with " + shard + " failed (" + PsConf.SSL_ENABLED
                    + " must be the same everywhere, and the shard's certificate trusted (" + PsConf.SSL_TRUST_STORE
                    + ") and, unless " + PsConf.SSL_VERIFY_HOSTNAME + "=false, naming " + shard.host() + "): "
                    + done.cause(), false, done.cause());
        }
    }

    /**
     * {@code HELLO}, then, when the shard challenges, the proof that this client holds the application's secret
     * and the check of the shard's proof. A client with a secret refuses a shard that does not authenticate.
     */
    private void greet(ShardConnection c, ShardAddress shard) {
        Message answer = handshakeStep(c, seq -> new Hello(seq, Message.PROTOCOL_VERSION, name), shard);
        if (answer instanceof AuthChallenge challenge) {
            if (!security.authenticates()) {
                throw new PsException(name + ": " + shard + " requires authentication (spark.authenticate=true) "
                        + "but this client has no secret", false);
            }
            byte[] serverNonce = challenge.serverNonce();
            byte[] clientNonce = security.nonce();
            // With TLS, the proofs cover the certificate this client received: through a relay that showed its
            // own, neither the shard's check of this proof nor this client's check of the shard's passes.
            byte[] binding;
            try {
                binding = security.channelBinding(c.pipeline(), true);
            } catch (IllegalStateException e) {
                throw new PsException(name + ": " + shard + ": " + e.getMessage(), false, e);
            }
            byte[] proof = security.clientProof(serverNonce, clientNonce, binding);
            answer = handshakeStep(c, seq -> new AuthResponse(seq, clientNonce, proof), shard);
            if (!(answer instanceof HelloOk ok)) {
                throw unexpected(shard, answer);
            }
            if (!security.isServerProof(ok.serverProof(), serverNonce, clientNonce, binding)) {
                throw new PsException(name + ": " + shard + " did not prove that it holds the application's "
                        + "secret (spark.authenticate)", false);
            }
            return;
        }
        if (!(answer instanceof HelloOk)) {
            throw unexpected(shard, answer);
        }
        if (security.authenticates()) {
            throw new PsException(name + ": " + shard + " did not ask to authenticate, so it cannot have proved that "
                    + "it holds the application's secret (spark.authenticate=true here)", false);
        }
    }

    private Message handshakeStep(ShardConnection c, LongFunction<Message> request,
                                  ShardAddress shard) {
        return PsClient.await(c.send(request).answer(), conf.connectTimeoutMs(), () -> "the handshake of " + shard);
    }

    private PsException unexpected(ShardAddress shard, Message answer) {
        return new PsException(name + ": " + shard + " answered the handshake with " + answer.type(), false);
    }
}
