package org.petuum.notebooks;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import scala.Console;
import scala.tools.nsc.Settings;
import scala.tools.nsc.interpreter.IMain;
import scala.tools.nsc.interpreter.Results;

/**
 * The Scala REPL a note's {@code %spark} paragraphs run in, set up as Zeppelin's Spark interpreter sets up its own:
 * class-based wrappers ({@code -Yrepl-class-based}, so closures shipped to executors serialize), compiled classes
 * written to {@code outputDir} (Spark serves them to executors when {@code spark.repl.class.outputDir} names it),
 * and the test JVM's classpath.
 *
 * <p>Works with Scala 2.12 and 2.13: the two differ only in how an {@link IMain} is constructed and initialised,
 * which is done reflectively. Everything the interpreter prints (values, compile errors, a failed line's stack
 * trace) and everything the evaluated code prints to {@code Console.out} goes to {@code out}, in order.
 *
 * <p>Not thread-safe: one thread interprets at a time.
 */
final class ScalaRepl implements AutoCloseable {
    private final IMain repl;
    private final PrintStream out;
    private final PrintWriter writer;

    ScalaRepl(Path outputDir, PrintStream out) {
        this.out = out;
        this.writer = new PrintWriter(out, true);
        Settings settings = new Settings();
        settings.processArgumentString("-Yrepl-class-based -usejavacp");
        settingValue(settings, "-Yrepl-outdir", outputDir.toString());
        // Surefire may start the JVM from a manifest-only jar; the compiler needs the real entries.
        settingValue(settings, "-classpath", System.getProperty("surefire.test.class.path",
                System.getProperty("java.class.path")));
        this.repl = newIMain(settings, writer);
    }

    /**
     * Interprets one paragraph's code.
     *
     * @return whether it compiled and ran without an exception
     */
    boolean interpret(String code) {
        Results.Result result = Console.withOut(out, () -> repl.interpret(code));
        writer.flush();
        out.flush();
        return result == Results.Success$.MODULE$;
    }

    @Override
    public void close() {
        repl.close();
    }

    /** Sets one setting by its command-line name; paths may contain spaces, so not through argument strings. */
    private static void settingValue(Settings settings, String name, String value) {
        scala.collection.immutable.List<String> args = scala.collection.immutable.List$.MODULE$.<String>empty()
                .$colon$colon(value).$colon$colon(name);
        scala.Tuple2<Object, scala.collection.immutable.List<String>> r = settings.processArguments(args, true);
        if (!(Boolean) r._1() || !r._2().isEmpty()) {
            throw new IllegalStateException("the Scala compiler refused the setting " + name + " " + value);
        }
    }

    private static IMain newIMain(Settings settings, PrintWriter writer) {
        try {
            IMain imain;
            Class<?> reporterClass = classOrNull("scala.tools.nsc.interpreter.shell.ReplReporterImpl");
            if (reporterClass != null) { // Scala 2.13: IMain(Settings, ReplReporter)
                Object reporter = reporterClass.getConstructor(Settings.class, PrintWriter.class)
                        .newInstance(settings, writer);
                Constructor<IMain> c = IMain.class.getConstructor(Settings.class,
                        Class.forName("scala.tools.nsc.interpreter.ReplReporter"));
                imain = c.newInstance(settings, reporter);
                invoke(imain, "initializeCompiler");
            } else { // Scala 2.12: IMain(Settings, PrintWriter)
                imain = IMain.class.getConstructor(Settings.class, PrintWriter.class).newInstance(settings, writer);
                invoke(imain, "initializeSynchronous");
            }
            return imain;
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("cannot start the Scala REPL: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this Scala version's REPL has an API the runner does not know", e);
        }
    }

    private static void invoke(IMain imain, String method) throws ReflectiveOperationException {
        Method m = IMain.class.getMethod(method);
        m.invoke(imain);
    }

    private static Class<?> classOrNull(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            return null;
        }
    }
}
