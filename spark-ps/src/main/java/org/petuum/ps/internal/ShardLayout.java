package org.petuum.ps.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.SparkConf;
import org.petuum.ps.PsConf;
import org.petuum.ps.PsException;
import org.petuum.ps.PsTimeoutException;
import org.petuum.ps.ShardAddress;
import org.petuum.ps.client.PsClient;
import org.petuum.ps.client.ShardConnection;
import org.petuum.ps.protocol.Message;

/**
 * The shard layout on the driver: which executor's shard server holds each shard index. Fixed by the first
 * {@code PsContext.get}; afterwards an index changes hands only when its executor is gone, to a newly registered
 * executor ({@link #replace}), so the number of shards and the rows of each never change.
 *
 * <p>Not thread-safe: confined to the {@link DriverRuntime}'s monitor, like every other part of its state.
 */
final class ShardLayout {
    private static final Logger LOG = LogManager.getLogger(ShardLayout.class);

    private final PsConf conf;
    private final ShardRegistry registry;
    private final Supplier<PsClient> admin;
    private List<ShardAddress> shards;

    ShardLayout(PsConf conf, ShardRegistry registry, Supplier<PsClient> admin) {
        this.conf = conf;
        this.registry = registry;
        this.admin = admin;
    }

    /**
     * The layout, waiting first (at most {@code spark.petuum.registrationTimeout}) for every expected executor's
     * shard server if it is not fixed yet. A failed wait fixes nothing: the next call waits again.
     */
    List<ShardAddress> awaitFixed(String master, SparkConf sparkConf) {
        if (shards == null) {
            shards = registry.awaitLayout(master, sparkConf, conf.registrationTimeoutMs());
            LOG.info("parameter server layout: {}", shards);
        }
        return shards;
    }

    /** The layout now. @throws IllegalStateException before {@code PsContext.get} fixed it */
    List<ShardAddress> current() {
        if (shards == null) {
            throw new IllegalStateException("the shard layout is not known yet: obtain the context with PsContext.get");
        }
        return shards;
    }

    int size() {
        return current().size();
    }

    /**
     * The shards whose executor is gone: Spark reported it removed, or its server does not accept a connection
     * (Spark may not have noticed yet). A shard whose connection is open is taken as alive without a request.
     */
    List<ShardAddress> gone() {
        List<ShardAddress> out = new ArrayList<>();
        for (ShardAddress s : current()) {
            if (!registry.stillRegistered(s) || !reachable(s)) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * Gives the index of lost shard {@code lost} to a registered executor that serves no shard, waiting for one
     * until {@code deadline} ({@link System#nanoTime()}).
     *
     * @return the new address of that index
     * @throws PsTimeoutException naming the shard and the executor lost when none registered in time
     */
    ShardAddress replace(ShardAddress lost, long deadline) {
        registry.forget(lost);
        RegisterShard r = registry.awaitReplacement(
                executor -> shards.stream().anyMatch(a -> a.executorId().equals(executor)), deadline,
                "shard " + lost.index() + " was served by executor " + lost.executorId() + ", which is gone, and no "
                        + "new executor registered a shard server within " + conf.registrationTimeoutMs() + " ms ("
                        + PsConf.REGISTRATION_TIMEOUT + "); with dynamic allocation, keep "
                        + "spark.dynamicAllocation.minExecutors at the number of shards");
        ShardAddress next = new ShardAddress(lost.index(), r.executorId(), r.host(), r.port());
        List<ShardAddress> healed = new ArrayList<>(shards);
        healed.set(lost.index(), next);
        shards = List.copyOf(healed);
        LOG.warn("{} is gone; executor {} takes over shard {}", lost, r.executorId(), lost.index());
        return next;
    }

    private boolean reachable(ShardAddress s) {
        try {
            admin.get().connection(s);
            return true;
        } catch (PsException e) {
            LOG.warn("{} does not answer: {}", s, e.getMessage());
            return false;
        }
    }

    /** Sends a request built by {@code request} to every shard, then waits for every answer (each bounded). */
    void onEveryShard(Function<ShardAddress, LongFunction<Message>> request, String what) {
        List<ShardConnection.Pending> acks = new ArrayList<>();
        for (ShardAddress s : current()) {
            acks.add(admin.get().connection(s).send(request.apply(s)));
        }
        awaitAll(acks, what);
    }

    /** Waits for one answer per shard, in layout order (each at most {@code spark.petuum.requestTimeout}). */
    void awaitAll(List<ShardConnection.Pending> pending, String what) {
        for (int i = 0; i < pending.size(); i++) {
            ShardAddress s = shards.get(i);
            Message m = PsClient.await(pending.get(i).answer(), conf.requestTimeoutMs(), () -> s + " (" + what + ")");
            LOG.trace("{}: {} answered {}", what, s, m);
        }
    }

    /** Waits for the answer of one shard (at most {@code spark.petuum.requestTimeout}). */
    void await(ShardAddress s, ShardConnection.Pending pending, String what) {
        PsClient.await(pending.answer(), conf.requestTimeoutMs(), () -> s + " (" + what + ")");
    }
}
