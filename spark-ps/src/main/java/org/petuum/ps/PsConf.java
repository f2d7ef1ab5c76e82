package org.petuum.ps;

import java.io.Serializable;
import java.util.Map;
import java.util.function.Function;
import org.petuum.ps.protocol.FrameLayout;

/**
 * Every {@code spark.petuum.*} setting, read and validated once. An invalid value fails with a message that
 * names the key, the value and the allowed range. Defaults work on a laptop.
 *
 * <p>Authentication is not a {@code spark.petuum.*} setting: it follows {@code spark.authenticate} and uses the
 * application's secret (see {@link org.petuum.ps.security.PsSecurity}). TLS is one, {@link #SSL_ENABLED}.
 *
 * <p>Immutable and serializable: the runner ships it to the tasks. The store passwords are {@code transient}, so
 * never shipped: only the plugins, which read the Spark configuration themselves, build TLS contexts.
 */
public final class PsConf implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String PREFIX = "spark.petuum.";
    public static final String BIND_ADDRESS = PREFIX + "bindAddress";
    public static final String PORT = PREFIX + "port";
    public static final String IO_THREADS = PREFIX + "ioThreads";
    public static final String MAX_FRAME_BYTES = PREFIX + "maxFrameBytes";
    public static final String READ_TIMEOUT = PREFIX + "readTimeout";
    public static final String CONNECT_TIMEOUT = PREFIX + "connectTimeout";
    public static final String REQUEST_TIMEOUT = PREFIX + "requestTimeout";
    public static final String REGISTRATION_TIMEOUT = PREFIX + "registrationTimeout";
    /**
     * A server closes a connection it has received nothing on for this long (default 10min, at least 100ms);
     * a client reconnects when next used. Must exceed {@link #READ_TIMEOUT}: a client waiting for a read sends
     * nothing on that connection meanwhile. A connection that has not completed its handshake (TLS and
     * authentication included) within {@link #CONNECT_TIMEOUT} is closed too.
     */
    public static final String IDLE_TIMEOUT = PREFIX + "idleTimeout";
    /** {@code true}: every connection runs over TLS (default {@code false}). */
    public static final String SSL_ENABLED = PREFIX + "ssl.enabled";
    /**
     * Path of the JKS or PKCS12 key store holding the shard servers' key and certificate; required with TLS,
     * and read on the driver and every executor.
     */
    public static final String SSL_KEY_STORE = PREFIX + "ssl.keyStore";
    /** Password of the key store and of its key (default: none). */
    public static final String SSL_KEY_STORE_PASSWORD = PREFIX + "ssl.keyStorePassword";
    /** Path of the JKS or PKCS12 store of certificates that clients trust (default: the JDK's). */
    public static final String SSL_TRUST_STORE = PREFIX + "ssl.trustStore";
    /** Password of the trust store (default: none). */
    public static final String SSL_TRUST_STORE_PASSWORD = PREFIX + "ssl.trustStorePassword";
    /** The one TLS version spoken, one of {@link #SSL_PROTOCOLS} (default {@code TLSv1.3}). */
    public static final String SSL_PROTOCOL = PREFIX + "ssl.protocol";
    /**
     * {@code true} (default): a client checks that the shard's certificate names the host it connects to (the
     * host name or IP address the shard advertised), as HTTPS does; {@code false} only for test clusters whose
     * executors share one certificate that names none of them. The certificate is checked against the trust
     * store either way.
     */
    public static final String SSL_VERIFY_HOSTNAME = PREFIX + "ssl.verifyHostname";
    /** The values {@link #SSL_PROTOCOL} accepts. */
    public static final java.util.List<String> SSL_PROTOCOLS = java.util.List.of("TLSv1.3", "TLSv1.2");
    public static final String CHECKPOINT_ENABLED = PREFIX + "checkpoint.enabled";
    public static final String CHECKPOINT_DIR = PREFIX + "checkpoint.dir";
    /** Spark's own master URL, read to tell one machine (local, local-cluster) from a cluster. */
    static final String MASTER = "spark.master";
    public static final String CHECKPOINT_INTERVAL = PREFIX + "checkpoint.interval";
    public static final String MAX_RUN_ATTEMPTS = PREFIX + "maxRunAttempts";
    /**
     * Managed communication: each worker may send updates of clock-bounded tables (BSP, SSP, ESSP) between
     * clocks, largest relative change first, within this many megabits per second; 0 turns it off.
     */
    public static final String BANDWIDTH_MBPS = PREFIX + "bandwidthMbps";
    /** Rows each executor's process cache may hold; 0: unbounded. */
    public static final String CACHE_MAX_ROWS = PREFIX + "cache.maxRows";
    /**
     * The most rows one read request may ask a shard for (default 65536, in [1, 16777216]); a shard refuses a
     * request for more before it copies anything, and clients split larger reads into several requests.
     */
    public static final String MAX_ROWS_PER_REQUEST = PREFIX + "maxRowsPerRequest";
    /**
     * The most connections one shard server keeps open at once (default 1024, in [1, 65536]); it closes any
     * further one as soon as it is accepted. Each executor and the driver hold one connection per shard.
     */
    public static final String MAX_CONNECTIONS = PREFIX + "maxConnections";
    /**
     * How long, in microseconds, a thread waiting for a shard's answer keeps watching for it, yielding its core to
     * any other runnable thread, before it parks (default 200, in [0, 100000]; 0 parks at once). An answer that
     * comes within it is taken without the wake-up of a parked thread. Process-wide: the last client created sets
     * it for every wait in the process.
     */
    public static final String SPIN_MICROS = PREFIX + "spinMicros";

    private final String bindAddress;
    private final int port;
    private final int ioThreads;
    private final int maxFrameBytes;
    private final long readTimeoutMs;
    private final long connectTimeoutMs;
    private final long requestTimeoutMs;
    private final long registrationTimeoutMs;
    private final long idleTimeoutMs;
    private final boolean sslEnabled;
    private final String sslKeyStore;
    private final transient String sslKeyStorePassword;
    private final String sslTrustStore;
    private final transient String sslTrustStorePassword;
    private final String sslProtocol;
    private final boolean sslVerifyHostname;
    private final boolean checkpointEnabled;
    private final String checkpointDir;
    private final String checkpointNotice;
    private final int checkpointInterval;
    private final int maxRunAttempts;
    private final double bandwidthMbps;
    private final int cacheMaxRows;
    private final int maxRowsPerRequest;
    private final int maxConnections;
    private final int spinMicros;

    private PsConf(Function<String, String> settings) {
        this.bindAddress = settings.apply(BIND_ADDRESS);
        this.port = (int) longIn(settings, PORT, "0", 0, 65535);
        this.ioThreads = (int) longIn(settings, IO_THREADS, "2", 1, 64);
        this.maxFrameBytes = (int) bytesIn(settings, MAX_FRAME_BYTES, "64m", FrameLayout.MIN_FRAME_LIMIT,
                FrameLayout.MAX_FRAME_LIMIT);
        this.readTimeoutMs = millisIn(settings, READ_TIMEOUT, "300s", 10, 86_400_000L);
        this.connectTimeoutMs = millisIn(settings, CONNECT_TIMEOUT, "10s", 10, 600_000L);
        this.requestTimeoutMs = millisIn(settings, REQUEST_TIMEOUT, "60s", 10, 86_400_000L);
        this.registrationTimeoutMs = millisIn(settings, REGISTRATION_TIMEOUT, "60s", 100, 3_600_000L);
        this.idleTimeoutMs = millisIn(settings, IDLE_TIMEOUT, "10min", 100, 7 * 86_400_000L);
        if (idleTimeoutMs <= readTimeoutMs) {
            throw invalid(IDLE_TIMEOUT, valueOr(settings, IDLE_TIMEOUT, "10min"), "longer than " + READ_TIMEOUT + " = "
                    + readTimeoutMs + "ms", null);
        }
        this.sslEnabled = booleanIn(settings, SSL_ENABLED, "false");
        this.sslKeyStore = settings.apply(SSL_KEY_STORE);
        this.sslKeyStorePassword = settings.apply(SSL_KEY_STORE_PASSWORD);
        this.sslTrustStore = settings.apply(SSL_TRUST_STORE);
        this.sslTrustStorePassword = settings.apply(SSL_TRUST_STORE_PASSWORD);
        this.sslProtocol = valueOr(settings, SSL_PROTOCOL, "TLSv1.3").trim();
        this.sslVerifyHostname = booleanIn(settings, SSL_VERIFY_HOSTNAME, "true");
        if (!SSL_PROTOCOLS.contains(sslProtocol)) {
            throw invalid(SSL_PROTOCOL, sslProtocol, "one of " + SSL_PROTOCOLS, null);
        }
        if (sslEnabled && (sslKeyStore == null || sslKeyStore.isBlank())) {
            throw invalid(SSL_KEY_STORE, String.valueOf(sslKeyStore), "the path of a JKS or PKCS12 key store when "
                    + SSL_ENABLED + "=true", null);
        }
        if (sslTrustStore != null && sslTrustStore.isBlank()) {
            throw invalid(SSL_TRUST_STORE, sslTrustStore, "the path of a JKS or PKCS12 trust store, or unset", null);
        }
        String dir = settings.apply(CHECKPOINT_DIR);
        String master = settings.apply(MASTER);
        // On one machine (local, local-cluster) the temp folder is shared by the driver and every executor; on a
        // cluster it is each machine's own disk, where a shard's image is useless to its replacement elsewhere.
        boolean oneMachine = master == null || master.startsWith("local");
        boolean sharedDir = dir != null || oneMachine;
        this.checkpointEnabled = booleanIn(settings, CHECKPOINT_ENABLED, sharedDir ? "true" : "false");
        if (checkpointEnabled && !sharedDir) {
            throw invalid(CHECKPOINT_DIR, "(unset)", "a folder the driver and every executor share (HDFS, S3, NFS) "
                    + "when " + CHECKPOINT_ENABLED + "=true on the cluster master " + master, null);
        }
        this.checkpointNotice = checkpointEnabled || settings.apply(CHECKPOINT_ENABLED) != null ? null
                : "checkpoints are off: on the cluster master " + master + " set " + CHECKPOINT_DIR
                + " to a folder the driver and every executor share (HDFS, S3, NFS) so that a failed run is "
                + "recovered from its last image; without it a failed run stops with an error";
        this.checkpointDir = dir != null ? dir.trim()
                : java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "petuum-checkpoints").toUri().toString();
        if (checkpointDir.isEmpty()) {
            throw invalid(CHECKPOINT_DIR, dir, "a folder path or Hadoop file system URI", null);
        }
        this.checkpointInterval = (int) longIn(settings, CHECKPOINT_INTERVAL, "0", 0, 1_000_000);
        this.maxRunAttempts = (int) longIn(settings, MAX_RUN_ATTEMPTS, "4", 1, 100);
        this.bandwidthMbps = doubleIn(settings, BANDWIDTH_MBPS, "0", 0, 1_000_000);
        this.cacheMaxRows = (int) longIn(settings, CACHE_MAX_ROWS, "0", 0, Integer.MAX_VALUE);
        this.maxRowsPerRequest = (int) longIn(settings, MAX_ROWS_PER_REQUEST, "65536", 1, 1 << 24);
        this.maxConnections = (int) longIn(settings, MAX_CONNECTIONS, "1024", 1, 65536);
        this.spinMicros = (int) longIn(settings, SPIN_MICROS, "200", 0, 100_000);
    }

    /** Reads the settings from a Spark configuration. */
    public static PsConf from(org.apache.spark.SparkConf conf) {
        return new PsConf(key -> conf.contains(key) ? conf.get(key) : null);
    }

    /** Reads the settings from a map (missing keys take their defaults). */
    public static PsConf from(Map<String, String> settings) {
        return new PsConf(settings::get);
    }

    /** All defaults. */
    public static PsConf defaults() {
        return from(Map.of());
    }

    /** The address the shard server binds to; {@code null}: the executor's host address. */
    public String bindAddress() {
        return bindAddress;
    }

    /** The shard server's port; 0 picks a free one. */
    public int port() {
        return port;
    }

    public int ioThreads() {
        return ioThreads;
    }

    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    /** How long a read may wait for slower workers before it fails naming them. */
    public long readTimeoutMs() {
        return readTimeoutMs;
    }

    public long connectTimeoutMs() {
        return connectTimeoutMs;
    }

    /** How long any request other than a waiting read may go unanswered. */
    public long requestTimeoutMs() {
        return requestTimeoutMs;
    }

    /** How long the driver waits for every executor's shard server to register. */
    public long registrationTimeoutMs() {
        return registrationTimeoutMs;
    }

    /** Whether runs write a checkpoint of their tables at the start and every {@link #checkpointInterval()} clocks. */
    public boolean checkpointEnabled() {
        return checkpointEnabled;
    }

    /**
     * Why checkpoints are off when the user did not say, or {@code null}: on a cluster master without
     * {@link #CHECKPOINT_DIR}, the default folder (the temp folder) is not shared, so no images are written.
     */
    public String checkpointNotice() {
        return checkpointNotice;
    }

    /** Where checkpoints go: a local folder or any Hadoop file system URI, shared by the driver and executors. */
    public String checkpointDir() {
        return checkpointDir;
    }

    /** Clocks between checkpoints; 0 keeps only the image of a run's start (a failed run restarts from there). */
    public int checkpointInterval() {
        return checkpointInterval;
    }

    /** How long a server keeps a connection it has received nothing on. */
    public long idleTimeoutMs() {
        return idleTimeoutMs;
    }

    /** Whether every connection runs over TLS. */
    public boolean sslEnabled() {
        return sslEnabled;
    }

    /** The key store's path; {@code null} when unset. */
    public String sslKeyStore() {
        return sslKeyStore;
    }

    /** {@code null} when unset, and in a copy shipped to a task. */
    public String sslKeyStorePassword() {
        return sslKeyStorePassword;
    }

    /** The trust store's path; {@code null}: the JDK's trusted certificates. */
    public String sslTrustStore() {
        return sslTrustStore;
    }

    /** {@code null} when unset, and in a copy shipped to a task. */
    public String sslTrustStorePassword() {
        return sslTrustStorePassword;
    }

    /** The one TLS version spoken, one of {@link #SSL_PROTOCOLS}. */
    public String sslProtocol() {
        return sslProtocol;
    }

    /** Whether a client checks that the shard's certificate names the host it connects to. */
    public boolean sslVerifyHostname() {
        return sslVerifyHostname;
    }

    /** How many times a run is attempted: a failed attempt is recovered from a checkpoint and relaunched. */
    /** The most rows a process cache holds before it evicts; 0: unbounded. */
    public int cacheMaxRows() {
        return cacheMaxRows;
    }

    /** The most rows one read request may ask a shard for. */
    public int maxRowsPerRequest() {
        return maxRowsPerRequest;
    }

    /** The most connections one shard server keeps open at once. */
    public int maxConnections() {
        return maxConnections;
    }

    /** How long a wait for an answer watches for it before parking, in microseconds (see {@link #SPIN_MICROS}). */
    public int spinMicros() {
        return spinMicros;
    }

    public double bandwidthMbps() {
        return bandwidthMbps;
    }

    private static double doubleIn(Function<String, String> s, String key, String dflt, double min, double max) {
        String raw = valueOr(s, key, dflt);
        double v;
        try {
            v = Double.parseDouble(raw.trim());
        } catch (NumberFormatException e) {
            throw invalid(key, raw, "a number in [" + min + ", " + max + "]", e);
        }
        if (!(v >= min && v <= max)) {
            throw invalid(key, raw, "a number in [" + min + ", " + max + "]", null);
        }
        return v;
    }

    public int maxRunAttempts() {
        return maxRunAttempts;
    }

    private static boolean booleanIn(Function<String, String> s, String key, String dflt) {
        String raw = valueOr(s, key, dflt).trim();
        if (raw.equalsIgnoreCase("true") || raw.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(raw);
        }
        throw invalid(key, raw, "true or false", null);
    }

    private static long longIn(Function<String, String> s, String key, String dflt, long min, long max) {
        String raw = valueOr(s, key, dflt);
        long v;
        try {
            v = Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw invalid(key, raw, "an integer in [" + min + ", " + max + "]", e);
        }
        return checkRange(key, raw, v, min, max, "");
    }

    private static long millisIn(Function<String, String> s, String key, String dflt, long min, long max) {
        String raw = valueOr(s, key, dflt);
        long v;
        try {
            v = org.apache.spark.network.util.JavaUtils.timeStringAsMs(raw);
        } catch (NumberFormatException e) {
            throw invalid(key, raw, "a duration such as 500ms, 30s or 5min in [" + min + "ms, " + max + "ms]", e);
        }
        return checkRange(key, raw, v, min, max, "ms");
    }

    private static long bytesIn(Function<String, String> s, String key, String dflt, long min, long max) {
        String raw = valueOr(s, key, dflt);
        long v;
        try {
            v = org.apache.spark.network.util.JavaUtils.byteStringAsBytes(raw);
        } catch (NumberFormatException e) {
            throw invalid(key, raw, "a size such as 512k or 64m in [" + min + ", " + max + "] bytes", e);
        }
        return checkRange(key, raw, v, min, max, " bytes");
    }

    private static String valueOr(Function<String, String> s, String key, String dflt) {
        String v = s.apply(key);
        return v == null ? dflt : v;
    }

    private static long checkRange(String key, String raw, long v, long min, long max, String unit) {
        if (v < min || v > max) {
            throw invalid(key, raw, "[" + min + unit + ", " + max + unit + "]", null);
        }
        return v;
    }

    private static IllegalArgumentException invalid(String key, String raw, String expected, Throwable cause) {
        return new IllegalArgumentException(key + " : '" + raw + "' (expected: " + expected + ")", cause);
    }

    @Override
    public String toString() {
        return "PsConf{bindAddress=" + bindAddress + ", port=" + port + ", ioThreads=" + ioThreads + ", maxFrameBytes="
                + maxFrameBytes + ", readTimeoutMs=" + readTimeoutMs + ", connectTimeoutMs=" + connectTimeoutMs
                + ", idleTimeoutMs=" + idleTimeoutMs + ", sslEnabled=" + sslEnabled
                + ", sslVerifyHostname=" + sslVerifyHostname
                + ", requestTimeoutMs=" + requestTimeoutMs + ", registrationTimeoutMs=" + registrationTimeoutMs + ", checkpointEnabled=" + checkpointEnabled
                + ", checkpointDir=" + checkpointDir + ", checkpointInterval=" + checkpointInterval
                + ", maxRowsPerRequest=" + maxRowsPerRequest + ", maxConnections=" + maxConnections + ", spinMicros=" + spinMicros + "}";
    }
}
