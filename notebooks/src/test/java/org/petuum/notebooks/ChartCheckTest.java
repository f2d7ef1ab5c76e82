package org.petuum.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Charts are checked against the table the paragraph printed; output is split into results as Zeppelin does. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ChartCheckTest {
    private static final String TABLE = "%table step\trmse\tmodel\n1\t0.9\tA\n2\t0.8\tA\n\n%text ";

    private static ParagraphOutput output(String graph, String printed) throws Exception {
        JsonNode config = new ObjectMapper().readTree("{\"results\": {\"0\": {\"graph\": " + graph + "}}}");
        return ParagraphOutput.parse(new Paragraph(4, "Convergence", "%spark\nz.show(df)", config, "spark"), printed);
    }

    private static String lineChart(String keys, String values) {
        return "{\"mode\": \"lineChart\", \"keys\": [" + keys + "], \"values\": [" + values + "]}";
    }

    @Test
    void aChartOfColumnsTheTableHasPasses() throws Exception {
        assertEquals(List.of(), ChartCheck.problems(output(lineChart("{\"name\": \"step\", \"index\": 0}",
                "{\"name\": \"rmse\", \"index\": 1}"), TABLE)));
    }

    @Test
    void aChartOfAMissingColumnFailsNamingParagraphAndColumn() throws Exception {
        List<String> problems = ChartCheck.problems(output(lineChart("{\"name\": \"clock\"}",
                "{\"name\": \"rmse\"}"), TABLE));
        assertEquals(1, problems.size(), problems.toString());
        assertEquals("paragraph 4 \"Convergence\", result 0: keys names column \"clock\" but the table has "
                + "[step, rmse, model]", problems.get(0));
    }

    @Test
    void aColumnAtAnotherIndexFails() throws Exception {
        List<String> problems = ChartCheck.problems(output(lineChart("{\"name\": \"step\", \"index\": 0}",
                "{\"name\": \"rmse\", \"index\": 2}"), TABLE));
        assertTrue(problems.get(0).contains("values column \"rmse\" has index 2 but is column 1"), problems.toString());
    }

    @Test
    void aChartWithoutValuesOrWithoutATableFails() throws Exception {
        assertTrue(ChartCheck.problems(output(lineChart("{\"name\": \"step\"}", ""), TABLE)).get(0)
                .contains("a lineChart needs keys (x axis) and values (y axis)"));
        assertTrue(ChartCheck.problems(output(lineChart("{\"name\": \"step\"}", "{\"name\": \"rmse\"}"),
                "just text\n")).get(0).contains("the paragraph printed a TEXT result there, not a table"));
    }

    @Test
    void outputSplitsIntoResultsAtDisplayMagicsDroppingBlankText() {
        ParagraphOutput out = ParagraphOutput.parse(new Paragraph(0, "", "", null, "spark"),
                TABLE + "\nres1: Int = 3\n%html <b>hi</b>\n%text \n");
        assertEquals(3, out.results().size(), out.results().toString());
        assertEquals(List.of("step", "rmse", "model"), out.results().get(0).columns());
        assertEquals("TEXT", out.results().get(1).type());
        assertEquals("HTML", out.results().get(2).type());
        assertEquals("TEXT", ParagraphOutput.parse(null, "100 rows\n" + TABLE).results().get(0).type());
    }

    @Test
    void percentSignsThatAreNotMagicsStayText() {
        assertEquals(1, ParagraphOutput.parse(null, "%tables are great\n%50 done").results().size());
    }
}
