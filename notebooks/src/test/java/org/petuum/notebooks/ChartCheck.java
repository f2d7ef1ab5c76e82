package org.petuum.notebooks;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks the charts a paragraph declares against what it actually printed. Zeppelin keeps a paragraph's display
 * settings in {@code config.results."i".graph}: a {@code mode} ({@code table}, {@code lineChart},
 * {@code multiBarChart} …) and the columns to plot as {@code keys} (x axis), {@code groups} (series) and
 * {@code values} (y axis), each {@code {name, index, aggr}} naming a column of result {@code i}'s table. A chart
 * whose column is renamed or dropped renders empty in Zeppelin without any error; this check fails instead.
 */
final class ChartCheck {
    private static final Set<String> CHARTS = Set.of("lineChart", "multiBarChart", "stackedAreaChart", "pieChart",
            "scatterChart");

    private ChartCheck() {
    }

    /** Every problem with {@code output}'s declared charts, each naming the paragraph; empty when all is well. */
    static List<String> problems(ParagraphOutput output) {
        Paragraph p = output.paragraph();
        List<String> problems = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = p.config().path("results").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode graph = e.getValue().path("graph");
            if (graph.isMissingNode()) {
                continue;
            }
            String where = p.label() + ", result " + e.getKey();
            int index;
            try {
                index = Integer.parseInt(e.getKey());
            } catch (NumberFormatException ex) {
                problems.add(where + ": a result index must be a number");
                continue;
            }
            String mode = graph.path("mode").asText("");
            if (mode.isEmpty()) {
                problems.add(where + ": the graph has no mode");
                continue;
            }
            if (index >= output.results().size() || !output.results().get(index).type().equals("TABLE")) {
                problems.add(where + ": a " + mode + " is declared but the paragraph printed "
                        + (index >= output.results().size() ? output.results().size() + " result(s)"
                        : "a " + output.results().get(index).type() + " result there") + ", not a table");
                continue;
            }
            List<String> columns = output.results().get(index).columns();
            if (CHARTS.contains(mode) && (graph.path("keys").isEmpty() || graph.path("values").isEmpty())) {
                problems.add(where + ": a " + mode + " needs keys (x axis) and values (y axis)");
            }
            for (String role : List.of("keys", "groups", "values")) {
                for (JsonNode col : graph.path(role)) {
                    String name = col.path("name").asText("");
                    if (!columns.contains(name)) {
                        problems.add(where + ": " + role + " names column \"" + name + "\" but the table has "
                                + columns);
                    } else if (col.has("index") && columns.indexOf(name) != col.path("index").asInt()) {
                        problems.add(where + ": " + role + " column \"" + name + "\" has index "
                                + col.path("index").asInt() + " but is column " + columns.indexOf(name));
                    }
                }
            }
        }
        return problems;
    }
}
