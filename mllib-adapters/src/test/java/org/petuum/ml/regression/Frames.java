package org.petuum.ml.regression;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Test problems as the DataFrames a Spark user would have. */
final class Frames {
    static final StructType SCHEMA = new StructType()
            .add("label", DataTypes.DoubleType, false)
            .add("features", SQLDataTypes.VectorType(), false);

    private Frames() {
    }

    /**
     * {@code label DOUBLE, features VECTOR} (sparse), in {@code partitions} partitions (shuffled there), or in the
     * file's order when {@code partitions} is 0.
     */
    static Dataset<Row> of(SparkSession spark, TestData.Problem p, int partitions) {
        List<Row> rows = new ArrayList<>();
        for (LabeledRow r : p.rows()) {
            rows.add(RowFactory.create(r.label(), Vectors.sparse(p.features(), r.indices(), r.values())));
        }
        Dataset<Row> frame = spark.createDataFrame(rows, SCHEMA);
        return partitions > 0 ? frame.repartition(partitions) : frame;
    }

    /** {@code y DOUBLE, x0 DOUBLE, x1 DOUBLE ...}: one column per feature. */
    static Dataset<Row> columns(SparkSession spark, TestData.Problem p) {
        StructType schema = new StructType().add("y", DataTypes.DoubleType, false);
        for (int j = 0; j < p.features(); j++) {
            schema = schema.add("x" + j, DataTypes.DoubleType, false);
        }
        List<Row> rows = new ArrayList<>();
        for (LabeledRow r : p.rows()) {
            Object[] values = new Object[p.features() + 1];
            values[0] = r.label();
            for (int j = 0; j < p.features(); j++) {
                values[j + 1] = 0.0;
            }
            for (int k = 0; k < r.indices().length; k++) {
                values[r.indices()[k] + 1] = r.values()[k];
            }
            rows.add(RowFactory.create(values));
        }
        return spark.createDataFrame(rows, schema);
    }
}
