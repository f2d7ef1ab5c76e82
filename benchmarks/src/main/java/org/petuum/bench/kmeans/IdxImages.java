package org.petuum.bench.kmeans;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads an IDX image file (the MNIST and Fashion-MNIST format, gzip when the name ends in {@code .gz}): a big-endian
 * header {@code 0x00000803}, the image count, rows and columns, then one unsigned byte per pixel. A malformed file
 * fails naming the file and the byte offset (in the uncompressed stream) where it went wrong.
 */
public final class IdxImages {
    /** Type 0x08 (unsigned byte), 3 dimensions. */
    private static final int IMAGES_MAGIC = 0x00000803;
    /** Far more than any data set of this format; a header claiming more is corrupt, not large. */
    private static final long MAX_PIXELS = 1L << 31;

    private IdxImages() {
    }

    /**
     * The first {@code limit} images (all when {@code limit <= 0}) of {@code file}, one array of {@code rows * cols}
     * pixel bytes each (read them as unsigned).
     *
     * @throws IOException naming the file and offset if the header is not that of an image file or the data ends early
     */
    public static List<byte[]> read(Path file, int limit) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new BufferedInputStream(
                     file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw,
                     1 << 16))) {
            int magic = readInt(in, file, 0, "magic number");
            if (magic != IMAGES_MAGIC) {
                throw new IOException(file + ": offset 0: magic number 0x" + Integer.toHexString(magic)
                        + " (expected: 0x00000803, unsigned-byte images of 3 dimensions)");
            }
            int count = readInt(in, file, 4, "image count");
            int rows = readInt(in, file, 8, "row count");
            int cols = readInt(in, file, 12, "column count");
            if (count < 0 || rows <= 0 || cols <= 0 || (long) count * rows * cols > MAX_PIXELS) {
                throw new IOException(file + ": offset 4: " + count + " images of " + rows + " × " + cols
                        + " pixels (expected: positive sizes, at most " + MAX_PIXELS + " pixels in all)");
            }
            int n = limit > 0 ? Math.min(limit, count) : count;
            int size = rows * cols;
            List<byte[]> images = new ArrayList<>(n);
            long offset = 16;
            for (int i = 0; i < n; i++) {
                byte[] image = new byte[size];
                try {
                    in.readFully(image);
                } catch (EOFException e) {
                    throw new IOException(file + ": offset " + offset + ": the file ends inside image " + i + " of "
                            + count + " (expected: " + ((long) count * size + 16) + " bytes)", e);
                }
                images.add(image);
                offset += size;
            }
            return images;
        }
    }

    private static int readInt(DataInputStream in, Path file, long offset, String what) throws IOException {
        try {
            return in.readInt();
        } catch (EOFException e) {
            throw new IOException(file + ": offset " + offset + ": the file ends before the " + what
                    + " (expected: a 16-byte IDX header)", e);
        }
    }
}
