package org.petuum.ps.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.petuum.ps.PsConf;

/** Self-signed key stores made by the JDK's {@code keytool} for TLS tests, and the settings that use them. */
public final class TestKeyStores {
    public static final String PASSWORD = "test-store-password";

    private TestKeyStores() {
    }

    /**
     * A PKCS12 key store at {@code dir/name.p12} with one EC key pair under alias {@code name}, whose certificate's
     * subject alternative name is {@code san} (keytool syntax, e.g. {@code ip:127.0.0.1} or {@code dns:x.example}).
     */
    public static Path keyStore(Path dir, String name, String san) throws IOException, InterruptedException {
        Path store = dir.resolve(name + ".p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=" + name, "-ext", "SAN=" + san, "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
                .redirectErrorStream(true).start();
        String output;
        try (InputStream out = keytool.getInputStream()) {
            output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(keytool.waitFor(30, TimeUnit.SECONDS), "keytool did not finish");
        assertEquals(0, keytool.exitValue(), "keytool failed: " + output);
        return store;
    }

    /** A PKCS12 trust store at {@code dir/name.p12} holding the certificate of every key store given. */
    public static Path trustStore(Path dir, String name, Path... keyStores)
            throws IOException, GeneralSecurityException {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        for (Path k : keyStores) {
            KeyStore keys = load(k);
            String alias = keys.aliases().nextElement();
            trusted.setCertificateEntry(alias, keys.getCertificate(alias));
        }
        Path store = dir.resolve(name + ".p12");
        try (OutputStream out = Files.newOutputStream(store)) {
            trusted.store(out, PASSWORD.toCharArray());
        }
        return store;
    }

    /** A TLS 1.3 context with the key of {@code keyStore} that trusts the certificates in {@code trustStore}. */
    static SSLContext context(Path keyStore, Path trustStore) throws IOException, GeneralSecurityException {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(load(keyStore), PASSWORD.toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load(trustStore));
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    /** Settings for TLS with these stores, short timeouts and one I/O thread; {@code extra} added last. */
    static PsConf conf(Path keyStore, Path trustStore, Map<String, String> extra) {
        Map<String, String> m = new HashMap<>(Map.of(
                PsConf.IO_THREADS, "1",
                PsConf.CONNECT_TIMEOUT, "5s",
                PsConf.REQUEST_TIMEOUT, "5s",
                PsConf.READ_TIMEOUT, "5s",
                PsConf.SSL_ENABLED, "true",
                PsConf.SSL_KEY_STORE, keyStore.toString(),
                PsConf.SSL_KEY_STORE_PASSWORD, PASSWORD,
                PsConf.SSL_TRUST_STORE, trustStore.toString(),
                PsConf.SSL_TRUST_STORE_PASSWORD, PASSWORD));
        m.putAll(extra);
        return PsConf.from(m);
    }

    private static KeyStore load(Path store) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        return ks;
    }
}
