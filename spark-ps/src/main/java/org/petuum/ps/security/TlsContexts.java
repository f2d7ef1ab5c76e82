package org.petuum.ps.security;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.petuum.ps.PsConf;

/** Builds the JDK {@link SSLContext} that the {@code spark.petuum.ssl.*} settings describe, with plain JDK APIs. */
final class TlsContexts {
    private TlsContexts() {
    }

    /**
     * A context with the key store's key managers and the trust store's trust managers (the JDK's when no
     * trust store is set).
     *
     * @throws IllegalArgumentException a store that is missing, unreadable, of an unknown type or with a wrong
     *                                  password, naming the setting and the path
     */
    static SSLContext build(PsConf conf) {
        KeyStore keys = load(PsConf.SSL_KEY_STORE, conf.sslKeyStore(), conf.sslKeyStorePassword());
        KeyStore trusted = conf.sslTrustStore() == null ? null
                : load(PsConf.SSL_TRUST_STORE, conf.sslTrustStore(), conf.sslTrustStorePassword());
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, password(conf.sslKeyStorePassword()));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trusted);
            SSLContext ctx = SSLContext.getInstance(conf.sslProtocol());
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot set up TLS from " + PsConf.SSL_KEY_STORE + "="
                    + conf.sslKeyStore() + " and " + PsConf.SSL_TRUST_STORE + "=" + conf.sslTrustStore() + ": "
                    + e.getMessage(), e);
        }
    }

    /** Reads a store as PKCS12 or JKS (the JDK's key store reads both). */
    private static KeyStore load(String key, String path, String password) {
        Path file = Path.of(path);
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalArgumentException(key + " : '" + path + "' (expected: a readable JKS or PKCS12 file)");
        }
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(in, password(password));
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(key + " : '" + path + "' cannot be read (wrong password or not a JKS "
                    + "or PKCS12 store): " + e.getMessage(), e);
        }
    }

    private static char[] password(String p) {
        return p == null ? null : p.toCharArray();
    }
}
