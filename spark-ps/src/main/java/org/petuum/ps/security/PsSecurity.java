package org.petuum.ps.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.petuum.ps.PsConf;
import org.petuum.ps.protocol.AuthChallenge;
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
 * ({@code petuum-auth-v1 client} / {@code server}) and take the nonces in opposite orders, so neither side can
 * be made to compute the other's proof; a fresh server nonce per connection makes a recorded response useless.
 */
public final class PsSecurity {
    private static final String HMAC = "HmacSHA256";
    private static final byte[] CLIENT_LABEL = "petuum-auth-v1 client".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SERVER_LABEL = "petuum-auth-v1 server".getBytes(StandardCharsets.US_ASCII);
    private static final PsSecurity NONE = new PsSecurity(null, null, null);

    private final byte[] secret;
    private final SSLContext ssl;
    private final String tlsProtocol;
    private final SecureRandom random = new SecureRandom();

    private PsSecurity(byte[] secret, SSLContext ssl, String tlsProtocol) {
        this.secret = secret;
        this.ssl = ssl;
        this.tlsProtocol = tlsProtocol;
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
        return conf.sslEnabled() ? new PsSecurity(key, TlsContexts.build(conf), conf.sslProtocol())
                : new PsSecurity(key, null, null);
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

    /** What a client holding the secret answers to the challenge {@code serverNonce}. */
    public byte[] clientProof(byte[] serverNonce, byte[] clientNonce) {
        return hmac(CLIENT_LABEL, serverNonce, clientNonce);
    }

    /** What a server holding the secret answers to a client's proof. */
    public byte[] serverProof(byte[] serverNonce, byte[] clientNonce) {
        return hmac(SERVER_LABEL, clientNonce, serverNonce);
    }

    /** Whether {@code proof} is the client's proof for these nonces; takes the same time wherever they differ. */
    public boolean isClientProof(byte[] proof, byte[] serverNonce, byte[] clientNonce) {
        return MessageDigest.isEqual(clientProof(serverNonce, clientNonce), proof);
    }

    /** Whether {@code proof} is the server's proof for these nonces; takes the same time wherever they differ. */
    public boolean isServerProof(byte[] proof, byte[] serverNonce, byte[] clientNonce) {
        return MessageDigest.isEqual(serverProof(serverNonce, clientNonce), proof);
    }

    /**
     * A new TLS handler for one connection, to be first in its pipeline. A client checks the server's
     * certificate against the trust store but not the host name in it, because the executors of a cluster
     * commonly share one key store; with {@code spark.authenticate=true} the handshake's server proof
     * authenticates the server as well.
     *
     * @param client the client end of the connection, or the server end
     * @param handshakeTimeoutMs how long the TLS handshake may take
     * @throws IllegalStateException without TLS
     */
    public SslHandler newSslHandler(boolean client, long handshakeTimeoutMs) {
        if (ssl == null) {
            throw new IllegalStateException("TLS is off (" + PsConf.SSL_ENABLED + ")");
        }
        SSLEngine engine = ssl.createSSLEngine();
        engine.setUseClientMode(client);
        engine.setEnabledProtocols(new String[] {tlsProtocol});
        SslHandler h = new SslHandler(engine);
        h.setHandshakeTimeoutMillis(handshakeTimeoutMs);
        return h;
    }

    private byte[] hmac(byte[] label, byte[] first, byte[] second) {
        if (secret == null) {
            throw new IllegalStateException("no secret: authentication is off (spark.authenticate)");
        }
        if (first.length != AuthChallenge.NONCE_BYTES || second.length != AuthChallenge.NONCE_BYTES) {
            // Fixed lengths keep the concatenation unambiguous.
            throw new IllegalArgumentException("nonces of " + first.length + " and " + second.length
                    + " bytes (expected: " + AuthChallenge.NONCE_BYTES + " each)");
        }
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(secret, HMAC));
            mac.update(label);
            mac.update(first);
            mac.update(second);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(HMAC + " is not available in this JVM", e);
        }
    }

    /** Says what is on, never the secret. */
    @Override
    public String toString() {
        return "PsSecurity{authentication=" + (secret != null ? "on" : "off") + ", tls="
                + (ssl != null ? tlsProtocol : "off") + "}";
    }
}
