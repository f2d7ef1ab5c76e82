package org.petuum.ps.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.petuum.ps.PsConf;
import org.petuum.ps.protocol.AuthChallenge;
import org.petuum.shaded.io.netty.channel.ChannelPipeline;
import org.petuum.shaded.io.netty.handler.ssl.SslHandler;

/**
 * How the connections of one process are protected: the application's secret for the authentication
 * handshake (or none), and a TLS context (or none). Made once per process role by the plugins and handed to
 * every {@code ShardServer} and {@code PsClient} it starts. Immutable and thread-safe.
 *
 * <p>The handshake is a challenge–response over HMAC-SHA256 keyed with the secret; the secret never crosses
 * the wire. After {@code HELLO} the server sends a fresh nonce {@code s}; the client answers with its own fresh
 * nonce {@code c} and {@link #clientProof}{@code (s, c)}; the server checks it and answers {@code HELLO_OK} with
 * {@link #serverProof}{@code (s, c)}, which the client checks in turn. The two proofs are domain-separated
 * ({@code petuum-auth-v2 client} / {@code server}) and take the nonces in opposite orders, so neither side can
 * be made to compute the other's proof; a fresh server nonce per connection makes a recorded response useless.
 *
 * <p>With TLS, both proofs also cover a <em>channel binding</em> ({@link #channelBinding}): the SHA-256 of the
 * server's certificate as this end of the TLS session knows it — the one the client received, the one the server
 * presented (RFC 5929 {@code tls-server-end-point}, as SCRAM-SHA-256-PLUS uses it). A relay that terminates TLS
 * on both sides must present its own certificate to the client, since it lacks the shard's private key; the
 * client then signs a different binding than the shard expects, and the relay, not holding the secret, can
 * make neither proof over its own pair of connections: the handshake fails on both of them. Why not the TLS
 * exporter (RFC 5705/8446), which also binds the session keys: the JDK exposes it only from Java 25, and this
 * library runs on Java 17. The one relay this binding does not stop is one that holds the shard's own private
 * key (a stolen key store); one that holds the secret needs no relay.
 */
public final class PsSecurity {
    private static final String HMAC = "HmacSHA256";
    private static final byte[] CLIENT_LABEL = "petuum-auth-v2 client".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SERVER_LABEL = "petuum-auth-v2 server".getBytes(StandardCharsets.US_ASCII);
    private static final PsSecurity NONE = new PsSecurity(null, null, null, true);
    /** The channel binding of a connection without TLS: nothing to bind to. */
    public static final byte[] NO_BINDING = new byte[0];
    /** Length of the channel binding of a TLS connection (a SHA-256), in bytes. */
    public static final int BINDING_BYTES = 32;

    private final byte[] secret;
    private final SSLContext ssl;
    private final String tlsProtocol;
    private final boolean verifyHostname;
    private final SecureRandom random = new SecureRandom();

    private PsSecurity(byte[] secret, SSLContext ssl, String tlsProtocol, boolean verifyHostname) {
        this.secret = secret;
        this.ssl = ssl;
        this.tlsProtocol = tlsProtocol;
        this.verifyHostname = verifyHostname;
    }

    /** No authentication, no TLS. */
    public static PsSecurity none() {
        return NONE;
    }

    /**
     * Authentication with {@code secret} when it is not {@code null}, and TLS when {@code conf} enables it.
     *
     * @throws IllegalArgumentException an empty secret, or a key or trust store that cannot be read, naming
     *                                  the setting
     */
    public static PsSecurity of(String secret, PsConf conf) {
        if (secret != null && secret.isEmpty()) {
            throw new IllegalArgumentException("the application's secret is empty (spark.authenticate.secret)");
        }
        byte[] key = secret == null ? null : secret.getBytes(StandardCharsets.UTF_8);
        return conf.sslEnabled()
                ? new PsSecurity(key, TlsContexts.build(conf), conf.sslProtocol(), conf.sslVerifyHostname())
                : new PsSecurity(key, null, null, true);
    }

    /**
     * What Spark's own security settings ask for: authentication with the application's secret when
     * {@code spark.authenticate=true}, and TLS when {@link PsConf#SSL_ENABLED} is set.
     */
    public static PsSecurity forSpark(org.apache.spark.SecurityManager spark, PsConf conf) {
        return of(spark.isAuthenticationEnabled() ? spark.getSecretKey() : null, conf);
    }

    /** Whether every connection must complete the authentication handshake. */
    public boolean authenticates() {
        return secret != null;
    }

    /** Whether every connection runs over TLS. */
    public boolean encrypts() {
        return ssl != null;
    }

    /** A fresh random nonce for the handshake. */
    public byte[] nonce() {
        byte[] n = new byte[AuthChallenge.NONCE_BYTES];
        random.nextBytes(n);
        return n;
    }

    /**
     * What a client holding the secret answers to the challenge {@code serverNonce} on a connection whose
     * {@link #channelBinding} is {@code binding}.
     */
    public byte[] clientProof(byte[] serverNonce, byte[] clientNonce, byte[] binding) {
        return hmac(CLIENT_LABEL, serverNonce, clientNonce, binding);
    }

    /** What a server holding the secret answers to a client's proof on a connection bound to {@code binding}. */
    public byte[] serverProof(byte[] serverNonce, byte[] clientNonce, byte[] binding) {
        return hmac(SERVER_LABEL, clientNonce, serverNonce, binding);
    }

    /** Whether {@code proof} is the client's proof for these nonces; takes the same time wherever they differ. */
    public boolean isClientProof(byte[] proof, byte[] serverNonce, byte[] clientNonce, byte[] binding) {
        return MessageDigest.isEqual(clientProof(serverNonce, clientNonce, binding), proof);
    }

    /** Whether {@code proof} is the server's proof for these nonces; takes the same time wherever they differ. */
    public boolean isServerProof(byte[] proof, byte[] serverNonce, byte[] clientNonce, byte[] binding) {
        return MessageDigest.isEqual(serverProof(serverNonce, clientNonce, binding), proof);
    }

    /**
     * The value the handshake's proofs of this connection are bound to: {@link #NO_BINDING} without TLS, else the
     * SHA-256 of the server's certificate as this end knows it (the client: the one it received; the server: the
     * one it presented). Call once the TLS handshake has completed, e.g. when the first message has arrived.
     *
     * @param pipeline the connection's pipeline, with its TLS handler first when TLS is on
     * @param client   whether this end is the client
     * @throws IllegalStateException when this process uses TLS but the connection does not, or its TLS session
     *                               has no server certificate
     */
    public byte[] channelBinding(ChannelPipeline pipeline, boolean client) {
        SslHandler tls = pipeline.get(SslHandler.class);
        if (tls == null) {
            if (ssl != null) {
                throw new IllegalStateException("TLS is on (" + PsConf.SSL_ENABLED + ") but the connection has no "
                        + "TLS handler");
            }
            return NO_BINDING;
        }
        SSLSession session = tls.engine().getSession();
        Certificate[] chain;
        try {
            chain = client ? session.getPeerCertificates() : session.getLocalCertificates();
        } catch (SSLPeerUnverifiedException e) {
            throw new IllegalStateException("the TLS session has no verified server certificate", e);
        }
        if (chain == null || chain.length == 0) {
            throw new IllegalStateException("the TLS session has no server certificate");
        }
        try {
            return MessageDigest.getInstance("SHA-256").digest(chain[0].getEncoded());
        } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot hash the server's certificate", e);
        }
    }

    /**
     * A new TLS handler for one connection, to be first in its pipeline. A client checks the server's
     * certificate against the trust store and, unless {@link PsConf#SSL_VERIFY_HOSTNAME} is off, that it names
     * {@code peerHost} (HTTPS rules: a DNS name or IP address in its subject alternative names).
     *
     * @param client             the client end of the connection, or the server end
     * @param peerHost           the host the client connects to (as the shard advertised it); ignored on a server
     * @param peerPort           the port the client connects to; ignored on a server
     * @param handshakeTimeoutMs how long the TLS handshake may take
     * @throws IllegalStateException without TLS
     */
    public SslHandler newSslHandler(boolean client, String peerHost, int peerPort, long handshakeTimeoutMs) {
        if (ssl == null) {
            throw new IllegalStateException("TLS is off (" + PsConf.SSL_ENABLED + ")");
        }
        SSLEngine engine = client ? ssl.createSSLEngine(peerHost, peerPort) : ssl.createSSLEngine();
        engine.setUseClientMode(client);
        engine.setEnabledProtocols(new String[] {tlsProtocol});
        if (client && verifyHostname) {
            SSLParameters params = engine.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            engine.setSSLParameters(params);
        }
        SslHandler h = new SslHandler(engine);
        h.setHandshakeTimeoutMillis(handshakeTimeoutMs);
        return h;
    }

    private byte[] hmac(byte[] label, byte[] first, byte[] second, byte[] binding) {
        if (secret == null) {
            throw new IllegalStateException("no secret: authentication is off (spark.authenticate)");
        }
        if (first.length != AuthChallenge.NONCE_BYTES || second.length != AuthChallenge.NONCE_BYTES) {
            // Fixed lengths keep the concatenation unambiguous.
            throw new IllegalArgumentException("nonces of " + first.length + " and " + second.length
                    + " bytes (expected: " + AuthChallenge.NONCE_BYTES + " each)");
        }
        if (binding.length != 0 && binding.length != BINDING_BYTES) {
            throw new IllegalArgumentException("a channel binding of " + binding.length + " bytes (expected: 0 or "
                    + BINDING_BYTES + ")");
        }
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(secret, HMAC));
            mac.update(label);
            mac.update(first);
            mac.update(second);
            // Its length first: a proof made without TLS never equals one made with it.
            mac.update((byte) binding.length);
            mac.update(binding);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(HMAC + " is not available in this JVM", e);
        }
    }

    /** Says what is on, never the secret. */
    @Override
    public String toString() {
        return "PsSecurity{authentication=" + (secret != null ? "on" : "off") + ", tls="
                + (ssl != null ? tlsProtocol + (verifyHostname ? "" : " without host name checks") : "off") + "}";
    }
}
