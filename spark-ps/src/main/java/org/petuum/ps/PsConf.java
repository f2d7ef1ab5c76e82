package org.petuum.ps;

import java.io.Serializable;
import java.util.Map;
import java.util.function.Function;

/**
 * Every {@code spark.petuum.*} setting, read and validated once. An invalid value fails with a message that
 * names the key, the value and the allowed range. Defaults work on a laptop.
 *
 * <p>Immutable and serializable: the runner ships it to the tasks.
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

    private final String bindAddress;
    private final int port;
    private final int ioThreads;
    private final int maxFrameBytes;
    private final long readTimeoutMs;
    private final long connectTimeoutMs;
    private final long requestTimeoutMs;
    private final long registrationTimeoutMs;

    private PsConf(Function<String, String> settings) {
        this.bindAddress = settings.apply(BIND_ADDRESS);
        this.port = (int) longIn(settings, PORT, "0", 0, 65535);
        this.ioThreads = (int) longIn(settings, IO_THREADS, "2", 1, 64);
        this.maxFrameBytes = (int) bytesIn(settings, MAX_FRAME_BYTES, "64m", 64 * 1024, 1L << 30);
        this.readTimeoutMs = millisIn(settings, READ_TIMEOUT, "300s", 10, 86_400_000L);
        this.connectTimeoutMs = millisIn(settings, CONNECT_TIMEOUT, "10s", 10, 600_000L);
        this.requestTimeoutMs = millisIn(settings, REQUEST_TIMEOUT, "60s", 10, 86_400_000L);
        this.registrationTimeoutMs = millisIn(settings, REGISTRATION_TIMEOUT, "60s", 100, 3_600_000L);
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
                + ", requestTimeoutMs=" + requestTimeoutMs + ", registrationTimeoutMs=" + registrationTimeoutMs + "}";
    }
}
