package org.petuum.ml.internal;

import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.sql.SparkSession;
import scala.Option;

/**
 * Saving and loading stages in Spark ML's own layout ({@code path/metadata} as Spark writes it, learned data as
 * Parquet under {@code path/data}), so {@code Pipeline} and {@code PipelineModel} save and load them like MLlib's.
 * Goes through the {@code SparkContext} overloads, which Spark 3.5, 4.0 and 4.2 all have.
 */
public final class ModelIO {
    private ModelIO() {
    }

    /** Writes {@code instance}'s class, uid and parameters (set and default) to {@code path/metadata}. */
    public static void saveMetadata(Params instance, String path, SparkSession spark) {
        DefaultParamsWriter$.MODULE$.saveMetadata(instance, path, spark.sparkContext(), Option.empty(),
                Option.empty());
    }

    /**
     * Reads {@code path/metadata}.
     *
     * @throws IllegalArgumentException if it was written for another class than {@code expectedClass}
     */
    public static DefaultParamsReader.Metadata loadMetadata(String path, SparkSession spark, Class<?> expectedClass) {
        return DefaultParamsReader$.MODULE$.loadMetadata(path, spark.sparkContext(), expectedClass.getName());
    }

    /** Sets on {@code instance} every parameter {@code metadata} holds. */
    public static void setParams(Params instance, DefaultParamsReader.Metadata metadata) {
        metadata.getAndSetParams(instance, Option.empty());
    }

    /** Where a stage's learned data lives, as Parquet. */
    public static String dataPath(String path, String part) {
        return new org.apache.hadoop.fs.Path(path, "data/" + part).toString();
    }
}
