package org.petuum.notebooks;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@code %spark.conf} paragraph: one {@code key value} per line (blank lines and {@code #} comments skipped), as
 * Zeppelin's conf interpreter reads it. Zeppelin applies it when it starts the Spark interpreter.
 */
final class SparkConfParagraph {
    private SparkConfParagraph() {
    }

    /** The properties, in order. @throws IllegalArgumentException naming the line that is not {@code key value} */
    static Map<String, String> parse(String body) {
        Map<String, String> conf = new LinkedHashMap<>();
        for (String raw : body.split("\n")) {
            String line = raw.trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] kv = line.split("\\s+", 2);
            if (kv.length < 2) {
                throw new IllegalArgumentException("line \"" + line + "\" is not \"key value\"");
            }
            conf.put(kv[0], kv[1].trim());
        }
        return conf;
    }

    /**
     * Checks that {@code spark.jars} names jar files: in Zeppelin it is how the library reaches the interpreter.
     * The runner itself does not load them (the library is on its classpath already).
     *
     * @throws IllegalArgumentException if it is missing or names something that is not a {@code .jar}
     */
    static void checkJars(Map<String, String> conf) {
        String jars = conf.get("spark.jars");
        if (jars == null || jars.isBlank()) {
            throw new IllegalArgumentException("sets no spark.jars: the note must name the library's jar");
        }
        for (String jar : jars.split(",")) {
            if (!jar.trim().endsWith(".jar")) {
                throw new IllegalArgumentException("spark.jars entry \"" + jar.trim() + "\" is not a .jar path");
            }
        }
    }
}
