package org.petuum.ml.recommendation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.petuum.ml.TestSpark;
import org.petuum.ps.PsContext;

/**
 * Input {@link MatrixFactorization} cannot use fails before any table is created, with a message that names the
 * column or parameter and what was expected, and leaves no table behind.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MatrixFactorizationBadInputTest {
    private static SparkSession spark;

    @BeforeAll
    static void session() {
        spark = TestSpark.cluster();
    }

    private static Dataset<Row> ratings(DataType userType, DataType ratingType, Object... userItemRating) {
        StructType schema = new StructType().add("user", userType).add("item", DataTypes.IntegerType)
                .add("rating", ratingType);
        List<Row> rows = new java.util.ArrayList<>();
        for (int i = 0; i < userItemRating.length; i += 3) {
            rows.add(RowFactory.create(userItemRating[i], userItemRating[i + 1], userItemRating[i + 2]));
        }
        return spark.createDataFrame(rows, schema);
    }

    /** Runs {@code fit}, expects an IllegalArgumentException containing every fragment, and no table left. */
    private static void assertRefused(Executable fit, String... fragments) {
        int before = PsContext.get(spark).tables().size();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, fit);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "'" + e.getMessage() + "' does not contain '" + f + "'");
        }
        assertEquals(before, PsContext.get(spark).tables().size(), "a table was left behind");
        assertTrue(PsContext.get(spark).tables().isEmpty(), "tables: " + PsContext.get(spark).tables());
    }

    @Test
    void missingColumnIsNamedWithTheColumnsThatExist() {
        Dataset<Row> data = ratings(DataTypes.IntegerType, DataTypes.DoubleType, 1, 1, 3.0);
        assertRefused(() -> new MatrixFactorization().setItemCol("movie").fit(data),
                "itemCol: no column 'movie'", "user, item, rating");
    }

    @Test
    void mistypedColumnIsNamedWithItsType() {
        Dataset<Row> data = ratings(DataTypes.StringType, DataTypes.DoubleType, "a", 1, 3.0);
        assertRefused(() -> new MatrixFactorization().fit(data), "userCol: column 'user' has type string",
                "expected: a numeric type");
    }

    @Test
    void nanOrInfiniteRatingIsNamed() {
        assertRefused(() -> new MatrixFactorization().fit(ratings(DataTypes.IntegerType, DataTypes.DoubleType,
                1, 1, 3.0, 2, 1, Double.NaN)), "ratingCol: column 'rating' has 1 null, NaN or infinite value(s)");
        assertRefused(() -> new MatrixFactorization().fit(ratings(DataTypes.IntegerType, DataTypes.DoubleType,
                1, 1, Double.NEGATIVE_INFINITY)), "ratingCol: column 'rating'");
    }

    @Test
    void idOutsideIntOrFractionalIsNamed() {
        assertRefused(() -> new MatrixFactorization().fit(ratings(DataTypes.LongType, DataTypes.DoubleType,
                1L, 1, 3.0, 3_000_000_000L, 2, 4.0)), "userCol: column 'user' holds ids from 1 to 3000000000",
                "expected: integral ids in -2147483648..2147483647");
        assertRefused(() -> new MatrixFactorization().fit(ratings(DataTypes.DoubleType, DataTypes.DoubleType,
                1.5, 1, 3.0)), "userCol: column 'user' has 1 null or fractional value(s)");
        assertRefused(() -> new MatrixFactorization().fit(ratings(DataTypes.IntegerType, DataTypes.DoubleType,
                1, -4, 3.0)), "itemCol: column 'item' holds ids from -4 to -4", "0..2147483646");
    }

    @Test
    void emptyDatasetIsRefused() {
        assertRefused(() -> new MatrixFactorization().fit(ratings(DataTypes.IntegerType, DataTypes.DoubleType)),
                "the dataset is empty");
    }

    @Test
    void moreWorkersThanTaskSlotsIsRefused() {
        Dataset<Row> data = ratings(DataTypes.IntegerType, DataTypes.DoubleType, 1, 1, 3.0);
        assertRefused(() -> new MatrixFactorization().setNumWorkers(3).fit(data), "numWorkers : 3",
                "expected: <= 2");
    }

    @Test
    void parameterOutOfRangeNamesTheParameterAndItsRange() {
        MatrixFactorization mf = new MatrixFactorization();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> mf.setRank(0));
        assertEquals("rank : 0 (expected: 1 <= rank <= 1000)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> mf.setStepSize(0));
        assertEquals("stepSize : 0.0 (expected: 0 < stepSize <= 1)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> mf.setSchedule("round-robin"));
        assertEquals("schedule : 'round-robin' (expected: one of ssp, rotation)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> mf.setColdStartStrategy("zero"));
        assertTrue(e.getMessage().contains("coldStartStrategy"), e.getMessage());
    }
}
