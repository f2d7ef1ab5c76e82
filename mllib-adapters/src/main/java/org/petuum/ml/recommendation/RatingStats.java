package org.petuum.ml.recommendation;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * What a fit must know of the ratings before it creates a table, found by one Spark aggregation over the user's
 * Dataset (nothing but these numbers reaches the driver): the count, mean and spread of the ratings and the range
 * of the ids. {@link #of} refuses data a fit cannot use, naming the column.
 */
record RatingStats(long count, double mean, double std, long minUser, long maxUser, long minItem, long maxItem) {
    static final long MAX_ITEM_ID = Integer.MAX_VALUE - 1L;

    /**
     * @param data the three columns, in the order user, item, rating, each numeric
     * @throws IllegalArgumentException for no rows, a null in any column, a NaN or infinite rating, a fractional id,
     *                                  a user id outside int, or an item id outside {@code 0..MAX_ITEM_ID}
     */
    static RatingStats of(Dataset<Row> data, String userCol, String itemCol, String ratingCol) {
        Column u = col(userCol).cast("double");
        Column i = col(itemCol).cast("double");
        Column r = col(ratingCol).cast("double");
        Column badRating = r.isNull().or(functions.isnan(r)).or(functions.abs(r).equalTo(Double.POSITIVE_INFINITY));
        Row a = data.agg(functions.count(functions.lit(1)), sum(r), sum(r.multiply(r)), min(u), max(u), min(i), max(i),
                sum(when(badRating, 1).otherwise(0)),
                sum(when(u.isNull().or(u.notEqual(functions.floor(u))), 1).otherwise(0)),
                sum(when(i.isNull().or(i.notEqual(functions.floor(i))), 1).otherwise(0))).first();
        long n = a.getLong(0);
        if (n == 0) {
            throw new IllegalArgumentException("the dataset is empty (expected: at least one rating)");
        }
        if (a.getLong(7) > 0) {
            throw new IllegalArgumentException("ratingCol: column '" + ratingCol + "' has " + a.getLong(7)
                    + " null, NaN or infinite value(s) (expected: finite ratings)");
        }
        checkIds("userCol", userCol, a.getLong(8), a.getDouble(3), a.getDouble(4), Integer.MIN_VALUE);
        checkIds("itemCol", itemCol, a.getLong(9), a.getDouble(5), a.getDouble(6), 0);
        double mean = a.getDouble(1) / n;
        double var = Math.max(0, a.getDouble(2) / n - mean * mean);
        double std = var > 1e-12 * Math.max(1, mean * mean) ? Math.sqrt(var) : 1;
        return new RatingStats(n, mean, std, (long) a.getDouble(3), (long) a.getDouble(4), (long) a.getDouble(5),
                (long) a.getDouble(6));
    }

    private static void checkIds(String param, String column, long bad, double lo, double hi, long min) {
        long max = min == 0 ? MAX_ITEM_ID : Integer.MAX_VALUE;
        if (bad > 0) {
            throw new IllegalArgumentException(param + ": column '" + column + "' has " + bad + " null or fractional "
                    + "value(s) (expected: integral ids in " + min + ".." + max + ")");
        }
        if (lo < min || hi > max) {
            throw new IllegalArgumentException(param + ": column '" + column + "' holds ids from " + (long) lo + " to "
                    + (long) hi + " (expected: integral ids in " + min + ".." + max + ")");
        }
    }
}
