package org.petuum.notebooks;

import java.io.PrintStream;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The part of Zeppelin's {@code z} (its {@code ZeppelinContext}) the notes use, bound in the REPL as {@code z}.
 * {@link #show} writes what Zeppelin's Spark interpreter writes: {@code %table}, a tab-separated header and rows
 * (at most {@code maxResult}), then {@code %text} so that later output is not taken into the table.
 *
 * <p>Public because code compiled in the REPL calls it.
 */
public final class ZeppelinStandIn {
    /** Zeppelin's default {@code zeppelin.spark.maxResult}. */
    public static final int MAX_RESULT = 1000;

    private final PrintStream out;

    ZeppelinStandIn(PrintStream out) {
        this.out = out;
    }

    /** Shows a {@code Dataset} as a table (at most {@value #MAX_RESULT} rows), anything else as its text. */
    public void show(Object o) {
        show(o, MAX_RESULT);
    }

    /** Shows a {@code Dataset} as a table of at most {@code maxResult} rows, anything else as its text. */
    public void show(Object o, int maxResult) {
        out.print(o instanceof Dataset<?> ds ? table(ds, maxResult) : String.valueOf(o));
        out.flush();
    }

    static String table(Dataset<?> ds, int maxResult) {
        StringBuilder msg = new StringBuilder("%table ");
        msg.append(String.join("\t", List.of(ds.columns()).stream().map(ZeppelinStandIn::cell).toList()));
        msg.append('\n');
        List<Row> rows = ds.toDF().takeAsList(maxResult + 1);
        for (int r = 0; r < Math.min(rows.size(), maxResult); r++) {
            Row row = rows.get(r);
            for (int i = 0; i < row.size(); i++) {
                msg.append(i == 0 ? "" : "\t").append(cell(row.get(i)));
            }
            msg.append('\n');
        }
        if (rows.size() > maxResult) {
            msg.append("\n%html <font color=red>Results are limited by ").append(maxResult).append(".</font>");
        }
        msg.append("\n%text ");
        return msg.toString();
    }

    /** Tabs and line breaks would split a cell; Zeppelin replaces them with spaces. */
    private static String cell(Object v) {
        return String.valueOf(v).replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
    }
}
