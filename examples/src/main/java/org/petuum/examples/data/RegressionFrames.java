package org.petuum.examples.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.petuum.ml.regression.LabeledRow;
import scala.Tuple2;

/**
 * Reads a regression problem (LIBSVM or CSV, gzip when the name ends in {@code .gz}) with Spark into a
 * {@code label DOUBLE, features VECTOR} DataFrame, cached on the executors: the lines are parsed in Spark's tasks
 * and never pass through the driver. Errors name the file and line as {@link LibsvmReader} and {@link CsvReader} do
 * (raised by the job that meets them). Only the first data line of a CSV file comes to the driver, to tell a header
 * and the row width.
 */
public final class RegressionFrames {
    static final StructType SCHEMA = new StructType()
            .add("label", DataTypes.DoubleType, false)
            .add("features", SQLDataTypes.VectorType(), false);

    /** The data, cached, with its number of rows and features. */
    public record Frame(Dataset<Row> data, long rows, int features) {
    }

    private RegressionFrames() {
    }

    /** @throws InputFormatException if the file is missing (before any Spark job) or malformed */
    public static Frame libsvm(SparkSession spark, Path file) {
        String name = exists(file);
        JavaRDD<LabeledRow> rows = lines(spark, name)
                .map(t -> LibsvmReader.parse(Path.of(name), t._2().intValue() + 1, t._1()))
                .filter(r -> r != null)
                .cache();
        long n = rows.count();
        if (n == 0) {
            rows.unpersist();
            throw new InputFormatException(file, 0, "contains no rows");
        }
        int d = Math.max(1, rows.map(r -> LibsvmReader.lastIndex(r) + 1).reduce(Math::max));
        JavaRDD<Row> out = rows.map(r -> RowFactory.create(r.label(), Vectors.sparse(d, r.indices(), r.values())));
        return frame(spark, out, rows, n, d);
    }

    /**
     * @param labelColumn the 0-based label column, {@link CsvReader#LAST_COLUMN}, or {@code -1} with {@code labels}
     * @param labels      a file with one label per data row, or {@code null}
     */
    public static Frame csv(SparkSession spark, Path file, int labelColumn, Path labels) {
        String name = exists(file);
        String labelName = labels == null ? null : exists(labels);
        JavaPairRDD<String, Long> all = lines(spark, name);
        JavaPairRDD<String, Long> data = all.filter(t -> !skipped(t._1()));
        List<Tuple2<String, Long>> first = data.take(1);
        if (first.isEmpty()) {
            throw new InputFormatException(file, 0, "contains no rows");
        }
        String[] head = CsvReader.split(first.get(0)._1().strip());
        long headerLine = CsvReader.looksNumeric(head) ? -1 : first.get(0)._2();
        JavaPairRDD<String, Long> body = data.filter(t -> t._2() != headerLine);
        List<Tuple2<String, Long>> firstRow = body.take(1);
        if (firstRow.isEmpty()) {
            throw new InputFormatException(file, 0, "contains no rows");
        }
        int width = CsvReader.split(firstRow.get(0)._1().strip()).length;
        int label = labelColumn == CsvReader.LAST_COLUMN ? width - 1 : labelColumn;
        if (labels == null && label >= width) {
            throw new InputFormatException(file, (int) (firstRow.get(0)._2() + 1), "label column " + (label + 1)
                    + " does not exist: rows have " + width + " fields");
        }
        int features = labels != null ? width : width - 1;
        if (features < 1) {
            throw new InputFormatException(file, 0, "has no feature columns besides the label");
        }
        JavaRDD<double[]> parsed = body.map(t -> values(Path.of(name), t._2().intValue() + 1, t._1(), width));
        JavaRDD<Row> rows;
        if (labels == null) {
            rows = parsed.map(v -> {
                double[] x = new double[features];
                for (int j = 0, k = 0; j < v.length; j++) {
                    if (j != label) {
                        x[k++] = v[j];
                    }
                }
                return RowFactory.create(v[label], Vectors.dense(x).compressed());
            });
        } else {
            JavaPairRDD<Long, Double> ys = lines(spark, labelName).filter(t -> !skipped(t._1()))
                    .map(t -> label(Path.of(labelName), t._2().intValue() + 1, t._1()))
                    .zipWithIndex().mapToPair(Tuple2::swap);
            JavaPairRDD<Long, double[]> xs = parsed.zipWithIndex().mapToPair(Tuple2::swap);
            long nx = xs.count();
            long ny = ys.count();
            if (nx != ny) {
                throw new InputFormatException(labels, 0, "holds " + ny + " labels but " + file + " has " + nx
                        + " rows");
            }
            rows = xs.join(ys).values().map(p -> RowFactory.create(p._2(), Vectors.dense(p._1()).compressed()));
        }
        JavaRDD<Row> cached = rows.cache();
        return frame(spark, cached, cached, cached.count(), features);
    }

    private static Frame frame(SparkSession spark, JavaRDD<Row> rows, JavaRDD<?> cached, long n, int d) {
        Dataset<Row> df = spark.createDataFrame(rows, SCHEMA).cache();
        df.count();
        cached.unpersist();
        return new Frame(df, n, d);
    }

    private static boolean skipped(String raw) {
        String line = raw.strip();
        return line.isEmpty() || line.charAt(0) == '#';
    }

    private static double[] values(Path file, int number, String raw, int width) {
        String[] f = CsvReader.split(raw.strip());
        if (f.length != width) {
            throw new InputFormatException(file, number, "expected " + width + " fields like the first row but got "
                    + f.length);
        }
        double[] v = new double[f.length];
        for (int j = 0; j < f.length; j++) {
            v[j] = TextLines.number(file, number, "column " + (j + 1), f[j]);
        }
        return v;
    }

    private static double label(Path file, int number, String raw) {
        String[] f = CsvReader.split(raw.strip());
        if (f.length != 1) {
            throw new InputFormatException(file, number, "expected one label but got " + f.length + " fields");
        }
        return TextLines.number(file, number, "label", f[0]);
    }

    /**
     * Each line with its 0-based number in the file, read in Spark's tasks (gunzipped when the name ends in
     * {@code .gz}); shared with {@link RatingsFrames}.
     */
    static JavaPairRDD<String, Long> lines(SparkSession spark, String name) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        return jsc.textFile(name).zipWithIndex();
    }

    /**
     * The file's name for Spark; cheap enough to call before Spark starts.
     *
     * @throws InputFormatException if a local file is missing or a directory
     */
    public static String exists(Path file) {
        String name = file.toString();
        boolean local = !name.contains("://");
        if (local && !Files.exists(file)) {
            throw new InputFormatException(file, 0, "file not found");
        }
        if (local && Files.isDirectory(file)) {
            throw new InputFormatException(file, 0, "is a directory, but a data file was expected");
        }
        return name;
    }
}
