package org.petuum.ps.internal;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The bridge from Spark code to the plugin's runtimes in this JVM.
 *
 * <p>Spark gives a task no handle on the plugin that its executor started, and {@code PsContext.get} none on
 * the driver plugin; this registry is that handle. Executor runtimes are keyed by their executor's
 * {@code SparkEnv} (what a task finds with {@code SparkEnv.get()}), driver runtimes by their
 * {@code SparkContext}: both exist before the application id does (in local mode the executor starts before
 * the id is assigned), and both keep two applications in one JVM apart. Keys compare by identity. Thread-safe.
 */
public final class Runtimes {
    private static final ConcurrentHashMap<Object, ExecutorRuntime> EXECUTORS = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<Object, DriverRuntime> DRIVERS = new ConcurrentHashMap<>();

    private Runtimes() {
    }

    public static void putExecutor(Object key, ExecutorRuntime rt) {
        EXECUTORS.put(key, rt);
    }

    public static ExecutorRuntime executor(Object key) {
        return EXECUTORS.get(key);
    }

    public static void removeExecutor(Object key, ExecutorRuntime rt) {
        EXECUTORS.remove(key, rt);
    }

    public static void putDriver(Object key, DriverRuntime rt) {
        DRIVERS.put(key, rt);
    }

    public static DriverRuntime driver(Object key) {
        return DRIVERS.get(key);
    }

    public static void removeDriver(Object key, DriverRuntime rt) {
        DRIVERS.remove(key, rt);
    }
}
