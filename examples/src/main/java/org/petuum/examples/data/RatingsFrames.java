package org.petuum.examples.data;

import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Supplier;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * Reads a ratings file with Spark into a DataFrame {@code (user INT, item INT, rating DOUBLE)} with the file's ids: the
 * lines are parsed in Spark's tasks by {@link RatingsReader.LineParser}, with its rules and its errors naming file and
 * line, and never pass through the driver. Only the file's first line that holds data comes to the driver, to tell
 * whether it is a column header.
 */
public final class RatingsFrames {
    public static final StructType SCHEMA = new StructType()
            .add("user", DataTypes.IntegerType, false)
            .add("item", DataTypes.IntegerType, false)
            .add("rating", DataTypes.DoubleType, false);

    private RatingsFrames() {
    }

    /** The size of a ratings set, found by one distributed aggregation. */
    public record Counts(long ratings, long users, long items) {
    }

    /**
     * The file's name for Spark; cheap enough to call before Spark starts.
     *
     * @throws InputFormatException if a local file is missing or a directory, with {@link RatingsReader#read}'s message
     */
    public static String exists(Path file) {
        String name = file.toString();
        boolean local = !name.contains("://");
        if (local && Files.isDirectory(file)) {
            throw new InputFormatException(file, 0, "is a directory, but a ratings file was expected");
        }
        if (local && !Files.exists(file)) {
            throw new InputFormatException(file, 0, "file not found");
        }
        return name;
    }

    /**
     * The ratings of {@code file}, not cached: each job over the frame reads and parses the file again. A malformed
     * line fails the first job that parses it; run that job through {@link #unwrapping} to get the
     * {@link InputFormatException} itself.
     *
     * @throws InputFormatException if the file is missing or a directory (before any Spark job), or holds no line
     *     with data (after one small job)
     */
    public static Dataset<Row> read(SparkSession spark, Path file) {
        String name = exists(file);
        var lines = RegressionFrames.lines(spark, name);
        List<Tuple2<String, Long>> first = lines
                .filter(t -> RatingsReader.LineParser.holdsData(t._2().intValue() + 1, t._1())).take(1);
        if (first.isEmpty()) {
            throw new InputFormatException(file, 0, "contains no ratings");
        }
        long headerCandidate = first.get(0)._2();
        JavaRDD<Row> rows = lines.mapPartitions(it -> parse(Path.of(name), it, headerCandidate));
        return spark.createDataFrame(rows, SCHEMA);
    }

    /** Parses lazily, one line at a time: a partition's ratings never sit in memory together. */
    private static Iterator<Row> parse(Path file, Iterator<Tuple2<String, Long>> lines, long headerCandidate) {
        RatingsReader.LineParser parser = new RatingsReader.LineParser(file);
        return new Iterator<>() {
            private Row next;

            @Override
            public boolean hasNext() {
                while (next == null && lines.hasNext()) {
                    Tuple2<String, Long> t = lines.next();
                    long index = t._2();
                    if (parser.parse(Math.toIntExact(index + 1), t._1(), index == headerCandidate)) {
                        next = RowFactory.create(parser.user(), parser.item(), parser.rating());
                    }
                }
                return next != null;
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Row r = next;
                next = null;
                return r;
            }
        };
    }

    /**
     * Counts ratings, distinct users and distinct items in one job; only the three counts reach the driver.
     *
     * @throws InputFormatException naming {@code file} if there is no rating, or naming the file and line of the first
     *     malformed line the job met
     */
    public static Counts counts(Dataset<Row> ratings, Path file) {
        Row r = unwrapping(() -> ratings.agg(count(lit(1)), countDistinct("user"), countDistinct("item")).first());
        Counts c = new Counts(r.getLong(0), r.getLong(1), r.getLong(2));
        if (c.ratings() == 0 && file != null) {
            throw new InputFormatException(file, 0, "contains no ratings");
        }
        return c;
    }

    /**
     * Runs a Spark action; if a task failed on a malformed line, throws that task's {@link InputFormatException}
     * (with Spark's job failure attached as suppressed), so the message is the one {@link RatingsReader} gives.
     */
    public static <T> T unwrapping(Supplier<T> action) {
        try {
            return action.get();
        } catch (RuntimeException e) {
            throw inputError(e, e);
        } catch (Exception e) { // Spark's SparkException is checked in Java but thrown undeclared by Scala code
            throw inputError(e, new IllegalStateException(e.getMessage(), e));
        }
    }

    private static RuntimeException inputError(Exception e, RuntimeException otherwise) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof InputFormatException bad) {
                if (bad != e) {
                    bad.addSuppressed(e);
                }
                return bad;
            }
        }
        return otherwise;
    }
}
