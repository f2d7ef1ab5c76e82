package org.petuum.notebooks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Runs a note's paragraphs in order the way Zeppelin 0.12's Spark interpreter would, in a fresh Scala REPL and
 * Spark session of its own: {@code %spark.conf} is applied before the session starts, {@code %spark} goes through
 * the REPL (with {@code spark}, {@code sc} and {@code z} bound), {@code %spark.sql} through {@code spark.sql} with
 * the last statement's result shown as a table, and {@code %md} is only checked to be non-empty. Spark runs in
 * local mode ({@value #MASTER}) with the parameter server in-process; a note's own {@code spark.master} is not used.
 *
 * <p>A new note needs nothing here: any interpreter the runner does not know fails the note, saying so.
 *
 * <p>{@link #run} blocks until the note has finished or the timeout has passed; one note runs at a time.
 */
final class NoteRunner {
    static final String MASTER = "local[2]";
    private static final Logger LOG = LogManager.getLogger(NoteRunner.class);

    private final Duration timeout;

    NoteRunner(Duration timeout) {
        this.timeout = timeout;
    }

    /**
     * Runs every paragraph of {@code note}, in order.
     *
     * @return what each paragraph printed, in paragraph order
     * @throws NoteFailedException naming the note and the paragraph that failed, with the interpreter's output,
     *                             or the paragraph that was still running when the timeout passed
     */
    List<ParagraphOutput> run(Note note) {
        Execution execution = new Execution(note);
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> new Thread(r, "note " + note.name()));
        try {
            Future<List<ParagraphOutput>> result = thread.submit(execution::run);
            try {
                return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                execution.cancel();
                result.cancel(true);
                throw new NoteFailedException(note, execution.current, "was still running after " + timeout
                        + "; its output so far:\n" + execution.output(), e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof NoteFailedException failed) {
                    throw failed;
                }
                throw new NoteFailedException(note, execution.current, "broke the runner: " + e.getCause(),
                        e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                execution.cancel();
                throw new NoteFailedException(note, execution.current, "was interrupted", e);
            }
        } finally {
            thread.shutdownNow();
            try {
                // The execution stops its session in a finally; give it that long before the next note starts.
                if (!thread.awaitTermination(60, TimeUnit.SECONDS)) {
                    LOG.warn("note {} did not stop within 60 s after its run ended", note.name());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** One run of one note: its REPL, session and output, on the runner's thread. */
    private static final class Execution {
        private final Note note;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private final PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        private volatile Paragraph current;
        private volatile boolean cancelled;
        private volatile SparkSession session;
        private Map<String, String> conf = Map.of();
        private ScalaRepl repl;
        private ZeppelinStandIn z;
        private Path classDir;

        Execution(Note note) {
            this.note = note;
            this.current = note.paragraphs().get(0);
        }

        List<ParagraphOutput> run() {
            List<ParagraphOutput> outputs = new ArrayList<>();
            try {
                for (Paragraph p : note.paragraphs()) {
                    if (cancelled) {
                        throw new NoteFailedException(note, p, "was not run: the note was cancelled");
                    }
                    current = p;
                    buffer.reset();
                    long start = System.nanoTime();
                    runParagraph(p);
                    LOG.info("note {}: {} took {} ms", note.name(), p.label(), (System.nanoTime() - start) / 1_000_000);
                    outputs.add(ParagraphOutput.parse(p, buffer.toString(StandardCharsets.UTF_8)));
                }
                return outputs;
            } finally {
                stop();
            }
        }

        private void runParagraph(Paragraph p) {
            switch (p.interpreter()) {
                case "md" -> {
                    if (p.body().isBlank()) {
                        throw new NoteFailedException(note, p, "is empty");
                    }
                }
                case "spark.conf" -> {
                    if (session != null) {
                        throw new NoteFailedException(note, p, "comes after the Spark interpreter started; Zeppelin"
                                + " applies %spark.conf only before, so it must be the first Spark paragraph");
                    }
                    try {
                        conf = SparkConfParagraph.parse(p.body());
                        SparkConfParagraph.checkJars(conf);
                    } catch (IllegalArgumentException e) {
                        throw new NoteFailedException(note, p, e.getMessage(), e);
                    }
                }
                case "spark", "spark.scala" -> {
                    start(p);
                    if (!repl.interpret(p.body())) {
                        throw new NoteFailedException(note, p, "failed:\n" + buffer.toString(StandardCharsets.UTF_8));
                    }
                }
                case "spark.sql" -> {
                    start(p);
                    runSql(p);
                }
                default -> throw new NoteFailedException(note, p, "uses an interpreter the runner does not run;"
                        + " it runs %spark, %spark.sql, %spark.conf and %md");
            }
        }

        /** Zeppelin's SQL interpreter: statements separated by {@code ;}, the last one's result shown. */
        private void runSql(Paragraph p) {
            Dataset<Row> last = null;
            for (String statement : p.body().split(";")) {
                if (statement.isBlank()) {
                    continue;
                }
                try {
                    last = session.sql(statement);
                } catch (RuntimeException e) {
                    throw new NoteFailedException(note, p, "failed: " + e.getMessage(), e);
                }
            }
            if (last != null) {
                z.show(last);
            }
        }

        /** Starts the REPL and the Spark session with the note's {@code %spark.conf}, once. */
        private void start(Paragraph first) {
            if (session != null) {
                return;
            }
            try {
                classDir = Files.createTempDirectory("note-repl-classes");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the REPL's class folder", e);
            }
            repl = new ScalaRepl(classDir, out);
            SparkSession.clearActiveSession();
            SparkSession.clearDefaultSession();
            SparkSession.Builder builder = SparkSession.builder().master(MASTER).appName(note.name())
                    .config("spark.ui.enabled", "false")
                    .config("spark.repl.class.outputDir", classDir.toString());
            conf.forEach((k, v) -> {
                if (!k.equals("spark.jars") && !k.equals("spark.master")) {
                    builder.config(k, v);
                }
            });
            session = builder.getOrCreate();
            z = new ZeppelinStandIn(out);
            ReplBindings.set(session, z);
            for (String line : ReplBindings.bindingCode().split("\n")) {
                if (!repl.interpret(line)) {
                    throw new NoteFailedException(note, first, "could not start: binding spark, sc and z failed:\n"
                            + buffer.toString(StandardCharsets.UTF_8));
                }
            }
            buffer.reset();
        }

        /** What the running paragraph has printed so far; callable from another thread. */
        String output() {
            return buffer.toString(StandardCharsets.UTF_8); // ByteArrayOutputStream is synchronized
        }

        /** Stops the run before its next paragraph and cancels running Spark jobs (on timeout), from another thread. */
        void cancel() {
            cancelled = true;
            SparkSession s = session;
            if (s != null) {
                s.sparkContext().cancelAllJobs();
            }
        }

        private void stop() {
            try {
                if (repl != null) {
                    repl.close();
                }
            } finally {
                if (session != null) {
                    session.stop();
                    SparkSession.clearActiveSession();
                    SparkSession.clearDefaultSession();
                }
                ReplBindings.clear();
                deleteClassDir();
            }
        }

        private void deleteClassDir() {
            if (classDir == null) {
                return;
            }
            try (Stream<Path> files = Files.walk(classDir)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            } catch (IOException e) {
                LOG.warn("could not delete the REPL's class folder {}: {}", classDir, e.toString());
            }
        }
    }
}
