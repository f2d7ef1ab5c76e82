package org.petuum.ps.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.SparkConf;
import org.petuum.ps.PsConf;
import org.petuum.ps.PsException;
import org.petuum.ps.PsTimeoutException;
import org.petuum.ps.ShardAddress;

/**
 * The executors Spark reports and the shard servers they registered: from which the driver draws the shard layout
 * at start, and a replacement when an executor is lost.
 *
 * <p>Thread-safe: registrations arrive on Spark's RPC threads and executor events on its listener thread.
 */
final class ShardRegistry {
    private static final Logger LOG = LogManager.getLogger(ShardRegistry.class);
    private static final Pattern LOCAL = Pattern.compile("local(\\[(\\*|\\d+)(,\\s*\\d+)?])?");
    private static final Pattern LOCAL_CLUSTER = Pattern.compile("local-cluster\\[\\s*(\\d+)\\s*,\\s*(\\d+)\\s*,.*]");
    private static final long POLL_MS = 20;

    private final ConcurrentHashMap<String, Integer> executorCores = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, RegisterShard> registered = new ConcurrentHashMap<>();
    /** Executors whose shard server did not start, and why: until it starts, or the executor is removed. */
    private final ConcurrentHashMap<String, RegisterShard> failed = new ConcurrentHashMap<>();

    void executorAdded(String executorId, int cores) {
        executorCores.put(executorId, cores);
    }

    void executorRemoved(String executorId) {
        executorCores.remove(executorId);
        registered.remove(executorId);
        failed.remove(executorId);
    }

    void register(RegisterShard r) {
        if (r.error() != null) {
            LOG.error("executor {} could not start its shard server{}: {}", r.executorId(),
                    r.retrying() ? " (it keeps trying)" : "", r.error());
            failed.put(r.executorId(), r);
        } else {
            LOG.info("executor {} serves a shard at {}:{}", r.executorId(), r.host(), r.port());
            failed.remove(r.executorId());
            registered.put(r.executorId(), r);
        }
    }

    /**
     * Waits (at most {@code timeoutMs}) until every executor the application expects has registered its shard
     * server, and returns them as a layout ordered by executor id.
     *
     * <p>An executor whose shard server failed to start fails the wait at once, naming it and why; one that keeps
     * trying (a port in use) is waited for, and named with its failure if the wait times out. A failure counts only
     * while it lasts: once that executor's server starts, or the executor is removed, the next wait succeeds.
     *
     * @throws PsTimeoutException naming the executors that did not register
     * @throws PsException        naming an executor whose shard server failed to start, and why
     */
    List<ShardAddress> awaitLayout(String master, SparkConf sparkConf, long timeoutMs) {
        int expected = expectedExecutors(master, sparkConf);
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (true) {
            for (RegisterShard f : failed.values()) {
                if (!f.retrying() || System.nanoTime() - deadline > 0) {
                    throw new PsException("executor " + f.executorId() + " could not start its shard server"
                            + (f.retrying() ? " within " + timeoutMs + " ms (" + PsConf.REGISTRATION_TIMEOUT
                            + "; it keeps trying)" : "") + ": " + f.error(), false);
                }
            }
            TreeSet<String> known = new TreeSet<>(executorCores.keySet());
            if (!isLocal(master)) {
                known.remove("driver");
            }
            if (registered.size() >= expected && registered.keySet().containsAll(known)) {
                break;
            }
            if (System.nanoTime() - deadline > 0) {
                TreeSet<String> missing = new TreeSet<>(known);
                missing.removeAll(registered.keySet());
                throw new PsTimeoutException("waited " + timeoutMs + " ms (" + PsConf.REGISTRATION_TIMEOUT
                        + ") for the shard servers of " + expected + " executor(s): registered "
                        + new TreeSet<>(registered.keySet()) + ", known to Spark but not registered " + missing
                        + ". Check that spark.plugins includes org.petuum.ps.PetuumPlugin and read the executors' logs.");
            }
            pause("waiting for shard servers to register");
        }
        List<RegisterShard> regs = new ArrayList<>(registered.values());
        regs.sort(Comparator.comparing(RegisterShard::executorId, ShardRegistry::compareExecutorIds));
        List<ShardAddress> shards = new ArrayList<>();
        for (RegisterShard r : regs) {
            shards.add(new ShardAddress(shards.size(), r.executorId(), r.host(), r.port()));
        }
        return List.copyOf(shards);
    }

    /** Whether {@code s} is still the shard server its executor registered (not necessarily reachable). */
    boolean stillRegistered(ShardAddress s) {
        RegisterShard r = registered.get(s.executorId());
        return r != null && r.host().equals(s.host()) && r.port() == s.port();
    }

    /** Forgets the registration behind {@code s}: its server is gone (Spark may not have reported it yet). */
    void forget(ShardAddress s) {
        RegisterShard r = registered.get(s.executorId());
        if (r != null && r.host().equals(s.host()) && r.port() == s.port()) {
            registered.remove(s.executorId(), r);
        }
    }

    /**
     * A registered shard server of an executor that {@code taken} does not name, waiting until {@code deadline}
     * ({@link System#nanoTime()}) for one to register.
     *
     * @throws PsTimeoutException with {@code what} when none registered in time
     */
    RegisterShard awaitReplacement(Predicate<String> taken, long deadline, String what) {
        while (true) {
            for (RegisterShard candidate : registered.values()) {
                if (!taken.test(candidate.executorId())) {
                    return candidate;
                }
            }
            if (System.nanoTime() - deadline > 0) {
                throw new PsTimeoutException(what);
            }
            pause("waiting for a replacement shard server");
        }
    }

    /** The task slots of the executors Spark knows: their cores divided by {@code spark.task.cpus}. */
    int taskSlots(String master, SparkConf sparkConf) {
        int taskCpus = sparkConf.getInt("spark.task.cpus", 1);
        int cores = 0;
        for (Map.Entry<String, Integer> e : executorCores.entrySet()) {
            if (isLocal(master) || !e.getKey().equals("driver")) {
                cores += e.getValue();
            }
        }
        if (cores == 0 && isLocal(master)) {
            cores = localCores(master);
        }
        return cores / Math.max(1, taskCpus);
    }

    static int expectedExecutors(String master, SparkConf c) {
        if (isLocal(master)) {
            return 1;
        }
        Matcher m = LOCAL_CLUSTER.matcher(master);
        if (m.matches()) {
            return Integer.parseInt(m.group(1));
        }
        if (DynamicAllocation.fixedExecutors(c) > 0) {
            return DynamicAllocation.fixedExecutors(c);
        }
        if (c.contains("spark.executor.instances") && !c.getBoolean("spark.dynamicAllocation.enabled", false)) {
            return c.getInt("spark.executor.instances", 1);
        }
        if (c.contains("spark.cores.max") && c.contains("spark.executor.cores")) {
            return Math.max(1, c.getInt("spark.cores.max", 1) / Math.max(1, c.getInt("spark.executor.cores", 1)));
        }
        return 1;
    }

    static boolean isLocal(String master) {
        return LOCAL.matcher(master).matches();
    }

    private static int localCores(String master) {
        Matcher m = LOCAL.matcher(master);
        if (m.matches() && m.group(2) != null && !m.group(2).equals("*")) {
            return Integer.parseInt(m.group(2));
        }
        return m.matches() && m.group(1) == null ? 1 : Runtime.getRuntime().availableProcessors();
    }

    private static int compareExecutorIds(String a, String b) {
        boolean na = a.chars().allMatch(Character::isDigit);
        boolean nb = b.chars().allMatch(Character::isDigit);
        if (na && nb) {
            return Long.compare(Long.parseLong(a), Long.parseLong(b));
        }
        return na != nb ? (na ? -1 : 1) : a.compareTo(b);
    }

    private static void pause(String what) {
        try {
            Thread.sleep(POLL_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PsException("interrupted while " + what, true, e);
        }
    }
}
