package org.petuum.examples.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Opens a text input file, gunzipping it when its name ends in {@code .gz}, with the readers' errors. */
final class TextLines {
    private TextLines() {
    }

    /** A line consumer that may throw the readers' exceptions. */
    interface LineHandler {
        void line(int number, String text);
    }

    static void forEach(Path file, String expected, LineHandler handler) {
        if (Files.isDirectory(file)) {
            throw new InputFormatException(file, 0, "is a directory, but " + expected + " was expected");
        }
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
            int n = 0;
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                n++;
                handler.line(n, n == 1 && !line.isEmpty() && line.charAt(0) == '\uFEFF' ? line.substring(1) : line);
            }
        } catch (NoSuchFileException e) {
            throw new InputFormatException(file, 0, "file not found", e);
        } catch (AccessDeniedException e) {
            throw new InputFormatException(file, 0, "cannot be read: permission denied", e);
        } catch (java.util.zip.ZipException e) {
            throw new InputFormatException(file, 0, "is not a valid gzip file: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot be read: " + e.getMessage(), e);
        }
    }

    /** A finite number, or an {@link InputFormatException} naming what it was. */
    public static double number(Path file, int line, String what, String text) {
        String bare = text.toLowerCase(java.util.Locale.ROOT).replaceFirst("^[+-]", "");
        if (bare.equals("nan") || bare.equals("inf") || bare.equals("infinity")) {
            // How numpy, R and pandas write them; Double.parseDouble knows only some spellings.
            throw new InputFormatException(file, line, what + " must be a finite number but got "
                    + RatingsReader.echo(text));
        }
        double v;
        try {
            v = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new InputFormatException(file, line, what + " is not a number: " + RatingsReader.echo(text));
        }
        if (!Double.isFinite(v)) {
            throw new InputFormatException(file, line, what + " must be a finite number but got "
                    + RatingsReader.echo(text));
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9') && c != '.' && c != 'e' && c != 'E' && c != '+' && c != '-') {
                throw new InputFormatException(file, line, what + " is not a number: " + RatingsReader.echo(text));
            }
        }
        return v;
    }
}
