package org.petuum.examples.data;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Ratings the command line has read as a DataFrame {@code (user INT, item INT, rating DOUBLE)} with the file's ids. */
public final class RatingsFrames {
    public static final StructType SCHEMA = new StructType()
            .add("user", DataTypes.IntegerType, false)
            .add("item", DataTypes.IntegerType, false)
            .add("rating", DataTypes.DoubleType, false);

    private RatingsFrames() {
    }

    /**
     * The ratings as a DataFrame. The command line reads its input file on the driver (to name the line of a bad
     * rating), so the rows start there; a Spark job reading its own data hands its Dataset to the estimator directly.
     */
    public static Dataset<Row> of(SparkSession spark, RatingsData data) {
        List<Row> rows = new ArrayList<>(data.size());
        for (int n = 0; n < data.size(); n++) {
            rows.add(RowFactory.create(data.originalUserId(data.user(n)), data.originalItemId(data.item(n)),
                    data.rating(n)));
        }
        return spark.createDataFrame(rows, SCHEMA);
    }
}
