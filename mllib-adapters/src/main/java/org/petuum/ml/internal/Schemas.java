package org.petuum.ml.internal;

import java.util.Arrays;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Schema checks shared by the estimators' {@code transformSchema}: each failure names the column, the type found
 * and the type expected, and lists the columns that exist, so a typo is obvious.
 */
public final class Schemas {
    private Schemas() {
    }

    /** @throws IllegalArgumentException unless {@code schema} has a numeric column {@code name} */
    public static void requireNumeric(StructType schema, String param, String name) {
        DataType t = field(schema, param, name).dataType();
        if (!(t instanceof NumericType)) {
            throw new IllegalArgumentException(param + ": column '" + name + "' has type " + t.simpleString()
                    + " (expected: a numeric type)");
        }
    }

    /** @throws IllegalArgumentException unless {@code schema} has an ML {@code Vector} column {@code name} */
    public static void requireVector(StructType schema, String param, String name) {
        DataType t = field(schema, param, name).dataType();
        if (!t.equals(SQLDataTypes.VectorType())) {
            throw new IllegalArgumentException(param + ": column '" + name + "' has type " + t.simpleString()
                    + " (expected: vector, as org.apache.spark.ml.linalg.Vector; VectorAssembler makes one)");
        }
    }

    /** {@code schema} with a new column; @throws IllegalArgumentException if a column of that name exists */
    public static StructType append(StructType schema, String param, String name, DataType type) {
        if (Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new IllegalArgumentException(param + ": output column '" + name + "' already exists");
        }
        return schema.add(name, type, false);
    }

    private static StructField field(StructType schema, String param, String name) {
        if (!Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new IllegalArgumentException(param + ": no column '" + name + "' (columns: "
                    + String.join(", ", schema.fieldNames()) + ")");
        }
        return schema.apply(name);
    }
}
