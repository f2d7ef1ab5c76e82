package org.petuum.ps.internal;

import java.lang.reflect.Field;
import java.util.Timer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Lets a local-mode driver JVM exit once its program returns. Spark 3.5's {@code BarrierTaskContext} keeps a
 * {@code java.util.Timer} whose thread is not a daemon; in local mode barrier tasks run in the driver JVM, so after
 * the first run that thread keeps the JVM alive for ever after {@code main} returns. Spark 4.x uses a daemon
 * executor instead and needs nothing. The timer is only used to log slow {@code barrier()} calls, so swapping it for
 * a daemon timer of the same name changes nothing else.
 */
final class BarrierTimer {
    private static final Logger LOG = LogManager.getLogger(BarrierTimer.class);
    private static final String COMPANION = "org.apache.spark.BarrierTaskContext$";
    private static final String FIELD = "org$apache$spark$BarrierTaskContext$$timer";

    private BarrierTimer() {
    }

    /**
     * Replaces Spark 3.5's non-daemon barrier timer by a daemon one and cancels the old one (ending its thread);
     * does nothing where the timer is not a {@code java.util.Timer}. Never throws: a failure is logged, and the only
     * cost is a JVM that needs an explicit exit.
     */
    static synchronized void makeDaemon() {
        try {
            Class<?> companion = Class.forName(COMPANION);
            Object module = companion.getField("MODULE$").get(null);
            Field field = companion.getDeclaredField(FIELD);
            if (!Timer.class.equals(field.getType()) || java.lang.reflect.Modifier.isStatic(field.getModifiers())) {
                return;
            }
            field.setAccessible(true);
            Timer old = (Timer) field.get(module);
            if (old instanceof DaemonTimer) {
                return;
            }
            field.set(module, new DaemonTimer());
            old.cancel();
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("could not make Spark's barrier timer a daemon thread ({}); a local-mode program may need to "
                    + "exit explicitly after stopping Spark", e.toString());
        }
    }

    /** A daemon timer, recognisable so that a second call leaves it alone. */
    private static final class DaemonTimer extends Timer {
        DaemonTimer() {
            super("Barrier task timer for barrier() calls.", true);
        }
    }
}
