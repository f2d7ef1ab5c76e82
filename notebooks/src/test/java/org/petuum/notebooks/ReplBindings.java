package org.petuum.notebooks;

import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * What the REPL binds as {@code spark}, {@code sc} and {@code z} while a note runs. The runner sets these before
 * the first {@code %spark} paragraph and the REPL reads them once, into {@code @transient val}s, as Zeppelin binds
 * its own (without {@code @transient}, a closure that captures a line wrapper would try to serialize the session).
 *
 * <p>One note runs at a time in a JVM ({@link NoteRunner} is used from one test thread), so static fields suffice.
 * Public because code compiled in the REPL reads them.
 */
public final class ReplBindings {
    private static volatile SparkSession spark;
    private static volatile ZeppelinStandIn z;

    private ReplBindings() {
    }

    static void set(SparkSession session, ZeppelinStandIn context) {
        spark = session;
        z = context;
    }

    static void clear() {
        spark = null;
        z = null;
    }

    public static SparkSession spark() {
        return spark;
    }

    public static SparkContext sc() {
        return spark.sparkContext();
    }

    public static ZeppelinStandIn z() {
        return z;
    }

    /** The lines that bind them, run before the first paragraph; the imports are those Zeppelin adds. */
    static String bindingCode() {
        String self = ReplBindings.class.getName();
        return String.join("\n",
                "@transient val spark: org.apache.spark.sql.SparkSession = " + self + ".spark()",
                "@transient val sc: org.apache.spark.SparkContext = " + self + ".sc()",
                "@transient val z: " + ZeppelinStandIn.class.getName() + " = " + self + ".z()",
                "import org.apache.spark.SparkContext._",
                "import spark.implicits._",
                "import spark.sql",
                "import org.apache.spark.sql.functions._");
    }
}
