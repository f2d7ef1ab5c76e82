package org.petuum.ps.protocol;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.petuum.shaded.io.netty.buffer.ByteBuf;
import org.petuum.shaded.io.netty.buffer.Unpooled;
import org.petuum.ssp.TableSpec;

/**
 * Makes fuzz inputs for the frame decoders: a seed frame (or an earlier mutant that decoded) with one or more
 * seeded mutations stacked on it, each written down in {@link #trail()} so a failure can say what was done.
 *
 * <p>Deterministic: the same seeds and the same sequence of random generators give the same inputs. Not
 * thread-safe: one fuzz loop owns it. Public for the fuzz tests of the server's handshake and the client's push
 * handling, in other packages.
 */
public final class FrameMutator {
    /** Values that sit on the decoders' boundaries: signs, counts that overflow when multiplied, limits. */
    private static final int[] INTERESTING_INTS = {
        0, 1, -1, 2, 3, 4, 7, 8, 9, 12, 13, 16, 127, 128, 255, 256, 65_535, 65_536,
        Codec.MAX_STRING_BYTES, Codec.MAX_STRING_BYTES + 1,
        FrameLayout.HANDSHAKE_FRAME_BYTES - FrameLayout.HEADER_BYTES,
        FrameLayout.lengthPrefix(FrameLayout.HANDSHAKE_FRAME_BYTES),
        FrameLayout.lengthPrefix(FrameLayout.HANDSHAKE_FRAME_BYTES) + 1,
        1 << 30, Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE / 4 + 1, Integer.MAX_VALUE / 8 + 1,
        Integer.MAX_VALUE / 12 + 1, Integer.MAX_VALUE / 13 + 1, -2, Integer.MIN_VALUE + 1};
    private static final byte[] INTERESTING_BYTES = {0, (byte) 0xFF, 0x7F, (byte) 0x80, 1, 2, 3};
    /** How many mutants that decoded are kept as further starting points. */
    private static final int POOL_SIZE = 4096;

    private final List<byte[]> seeds;
    private final List<byte[]> pool = new ArrayList<>();
    private final StringBuilder trail = new StringBuilder();

    public FrameMutator(List<byte[]> seeds) {
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("seeds : empty (expected: at least one frame)");
        }
        this.seeds = List.copyOf(seeds);
    }

    /**
     * The frames of {@code messages}, each {@code int length | byte type | body}, and hand-made edge frames. The
     * fuzz test decodes every seed unchanged first, so the edge frames are also fixed regression cases: a sparse
     * row holding NaN, an error message cut inside a surrogate pair, a string that is not UTF-8.
     */
    public static List<byte[]> seedFrames(List<Message> messages) {
        List<byte[]> frames = new ArrayList<>();
        for (Message m : messages) {
            frames.add(frame(m));
        }
        frames.addAll(edgeFrames());
        return frames;
    }

    /** The seed frames of every message type ({@link CodecTest#samples()}) and the edge frames. */
    public static List<byte[]> seedFrames() {
        return seedFrames(CodecTest.samples());
    }

    /** The frame of {@code m}: {@code int length | byte type | body}. */
    public static byte[] frame(Message m) {
        byte[] out = new byte[(int) FrameLayout.frameBytes(m)];
        MessageEncoder.encode(m, Unpooled.wrappedBuffer(out).clear());
        return out;
    }

    private static List<byte[]> edgeFrames() {
        List<byte[]> edges = new ArrayList<>();
        edges.add(body(new byte[0])); // no type byte
        // A prefix announcing 1 GiB, nothing else.
        edges.add(ByteBuffer.allocate(FrameLayout.LENGTH_BYTES).putInt(1 << 30).array());
        for (int id : new int[] {0, 13, 14, 16, 99, 127, -128, -1}) {
            edges.add(body(new byte[] {(byte) id, 0, 0, 0, 0, 0, 0, 0, 1}));
        }
        for (MessageType t : MessageType.values()) {
            edges.add(body(new byte[] {t.id()})); // every known type with an empty body
        }
        // Counts that promise far more than follows, in each counted field.
        edges.add(body(ByteBuffer.allocate(1 + 36 + 4).put(MessageType.GET_ROWS.id()).position(37)
                .putInt(Integer.MAX_VALUE).array()));
        edges.add(body(ByteBuffer.allocate(1 + 24 + 4).put(MessageType.FLUSH.id()).position(25)
                .putInt(1 << 30).array()));
        // A sparse row whose columns repeat (the decoder sums them) and one with a stored zero.
        edges.add(rowFrame((byte) 1, 10, new int[] {3, 3, 9}, new double[] {1.5, -1.5, 2}));
        edges.add(rowFrame((byte) 1, Integer.MAX_VALUE, new int[] {Integer.MAX_VALUE - 1, 0},
                new double[] {0.0, -0.0}));
        edges.add(rowFrame((byte) 1, 4, new int[] {1}, new double[] {Double.NaN}));
        edges.add(rowFrame((byte) 0, 2, new int[0], new double[] {Double.NaN, -0.0}));
        // Strings: bytes that are not UTF-8, a name at the table-name limit, a message at the error-message limit.
        edges.add(body(ByteBuffer.allocate(1 + 12 + 4 + 5).put(MessageType.HELLO.id()).putLong(1).putInt(1)
                .putInt(5).put(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xF0, (byte) 0x9F, (byte) 0xFF}).array()));
        edges.add(frame(new CreateTable(1, 2, TableSpec.sparse("n".repeat(TableSpec.MAX_NAME_LENGTH), 1, 1), 0, 1)));
        // An error message longer than the carried maximum, with a surrogate pair where it is cut.
        String cutInPair = "e".repeat(ErrorResponse.MAX_MESSAGE_CHARS - 16) + "\uD83D\uDE80".repeat(64);
        edges.add(errorFrame(3, cutInPair));
        // A frame of exactly 64 KiB, the limit the fuzz pipeline and the test server use: the header, then HELLO's
        // request id, protocol version and the name's length.
        edges.add(frame(new Hello(4, Message.PROTOCOL_VERSION, "h".repeat(FrameLayout.HANDSHAKE_FRAME_BYTES
                - FrameLayout.HEADER_BYTES - FrameLayout.REQUEST_ID_BYTES - 4 - 4))));
        return edges;
    }

    /** An ERROR frame carrying {@code message} as sent, before the receiver's record shortens it. */
    private static byte[] errorFrame(long requestId, String message) {
        ByteBuf b = Unpooled.buffer();
        try {
            b.writeInt(0).writeByte(MessageType.ERROR.id()).writeLong(requestId).writeByte(2);
            Codec.writeString(b, message);
            b.setInt(FrameLayout.LENGTH_OFFSET, FrameLayout.lengthPrefix(b.readableBytes()));
            byte[] out = new byte[b.readableBytes()];
            b.readBytes(out);
            return out;
        } finally {
            b.release();
        }
    }

    /** A ROWS frame of one row written field by field, so that it can hold what no row object would encode. */
    private static byte[] rowFrame(byte kind, int cols, int[] columns, double[] values) {
        ByteBuffer b = ByteBuffer.allocate(1 + 8 + 4 + 8 + 4 + 4 + 1 + 4 + 4 + 12 * columns.length + 8 * values.length);
        b.put(MessageType.ROWS.id()).putLong(5).putInt(0).putLong(1).putInt(1).putInt(0).put(kind).putInt(cols);
        if (kind == 1) {
            b.putInt(columns.length);
            for (int i = 0; i < columns.length; i++) {
                b.putInt(columns[i]).putDouble(values[i]);
            }
        } else {
            for (double v : values) {
                b.putDouble(v);
            }
        }
        return body(Arrays.copyOf(b.array(), b.position()));
    }

    private static byte[] body(byte[] typeAndBody) {
        return ByteBuffer.allocate(FrameLayout.LENGTH_BYTES + typeAndBody.length).putInt(typeAndBody.length)
                .put(typeAndBody).array();
    }

    /** Keeps an input that decoded as a starting point for later mutants (bounded; old ones are replaced). */
    void remember(byte[] input, SplittableRandom random) {
        if (pool.size() < POOL_SIZE) {
            pool.add(input);
        } else {
            pool.set(random.nextInt(POOL_SIZE), input);
        }
    }

    /** What the last {@link #mutate} did, e.g. {@code seed 12; flipBit@40.3; fixLength}. */
    public String trail() {
        return trail.toString();
    }

    /** A new input: a seed or remembered mutant with 1 to 8 mutations, its length prefix usually made consistent. */
    public byte[] mutate(SplittableRandom r) {
        trail.setLength(0);
        byte[] b;
        if (!pool.isEmpty() && r.nextInt(3) == 0) {
            int i = r.nextInt(pool.size());
            b = pool.get(i);
            trail.append("mutant ").append(i);
        } else {
            int i = r.nextInt(seeds.size());
            b = seeds.get(i);
            trail.append("seed ").append(i);
        }
        int n = 1;
        while (n < 8 && r.nextInt(3) == 0) {
            n++;
        }
        boolean lengthTouched = false;
        for (int k = 0; k < n; k++) {
            int op = r.nextInt(12);
            b = apply(op, b, r);
            lengthTouched |= op == 10;
        }
        // Most mutants keep a consistent prefix, so they reach the message decoder rather than the frame splitter.
        if (!lengthTouched && b.length >= FrameLayout.LENGTH_BYTES && r.nextInt(4) != 0) {
            putInt(b, FrameLayout.LENGTH_OFFSET, FrameLayout.lengthPrefix(b.length));
            trail.append("; fixLength");
        }
        return b;
    }

    private byte[] apply(int op, byte[] b, SplittableRandom r) {
        switch (op) {
            case 0 -> { // flip one bit
                if (b.length == 0) {
                    return b;
                }
                b = b.clone();
                int at = r.nextInt(b.length);
                int bit = r.nextInt(8);
                b[at] ^= (byte) (1 << bit);
                trail.append("; flipBit@").append(at).append('.').append(bit);
            }
            case 1 -> { // set a byte to a boundary value or a random one
                if (b.length == 0) {
                    return b;
                }
                b = b.clone();
                int at = r.nextInt(b.length);
                b[at] = r.nextBoolean() ? INTERESTING_BYTES[r.nextInt(INTERESTING_BYTES.length)]
                        : (byte) r.nextInt(256);
                trail.append("; setByte@").append(at).append('=').append(b[at]);
            }
            case 2, 3 -> { // overwrite a 4-byte field with a boundary int
                if (b.length < 4) {
                    return b;
                }
                b = b.clone();
                int at = r.nextInt(b.length - 3);
                int v = INTERESTING_INTS[r.nextInt(INTERESTING_INTS.length)];
                putInt(b, at, v);
                trail.append("; setInt@").append(at).append('=').append(v);
            }
            case 4 -> { // nudge a 4-byte field by a little: off-by-one counts and widths
                if (b.length < 4) {
                    return b;
                }
                b = b.clone();
                int at = r.nextInt(b.length - 3);
                int delta = r.nextInt(33) - 16;
                putInt(b, at, getInt(b, at) + delta);
                trail.append("; addInt@").append(at).append(delta >= 0 ? "+" : "").append(delta);
            }
            case 5 -> { // truncate
                if (b.length == 0) {
                    return b;
                }
                int len = r.nextInt(b.length);
                b = Arrays.copyOf(b, len);
                trail.append("; truncate=").append(len);
            }
            case 6 -> { // extend with random bytes
                int extra = 1 + r.nextInt(r.nextBoolean() ? 8 : 64);
                int old = b.length;
                b = Arrays.copyOf(b, old + extra);
                for (int i = old; i < b.length; i++) {
                    b[i] = (byte) r.nextInt(256);
                }
                trail.append("; extend+").append(extra);
            }
            case 7 -> { // splice: a prefix of this input and a suffix of another, or both whole (two frames)
                byte[] other = seeds.get(r.nextInt(seeds.size()));
                int cut = r.nextBoolean() ? b.length : r.nextInt(b.length + 1);
                int from = cut == b.length && r.nextBoolean() ? 0 : r.nextInt(other.length + 1);
                byte[] s = Arrays.copyOf(b, cut + other.length - from);
                System.arraycopy(other, from, s, cut, other.length - from);
                trail.append("; splice@").append(cut).append("+other[").append(from).append("..]");
                b = s;
            }
            case 8 -> { // duplicate a region in place
                if (b.length == 0) {
                    return b;
                }
                int from = r.nextInt(b.length);
                int len = 1 + r.nextInt(Math.min(b.length - from, 64));
                int to = r.nextInt(b.length + 1);
                byte[] d = new byte[b.length + len];
                System.arraycopy(b, 0, d, 0, to);
                System.arraycopy(b, from, d, to, len);
                System.arraycopy(b, to, d, to + len, b.length - to);
                trail.append("; dup[").append(from).append("+").append(len).append("]@").append(to);
                b = d;
            }
            case 9 -> { // delete a region
                if (b.length == 0) {
                    return b;
                }
                int from = r.nextInt(b.length);
                int len = 1 + r.nextInt(Math.min(b.length - from, 16));
                byte[] d = new byte[b.length - len];
                System.arraycopy(b, 0, d, 0, from);
                System.arraycopy(b, from + len, d, from, b.length - from - len);
                trail.append("; delete[").append(from).append("+").append(len).append("]");
                b = d;
            }
            case 10 -> { // the length prefix: consistent with the size, off by a little, or a boundary int
                if (b.length < FrameLayout.LENGTH_BYTES) {
                    return b;
                }
                b = b.clone();
                int v = switch (r.nextInt(3)) {
                    case 0 -> FrameLayout.lengthPrefix(b.length);
                    case 1 -> FrameLayout.lengthPrefix(b.length) + r.nextInt(9) - 4;
                    default -> INTERESTING_INTS[r.nextInt(INTERESTING_INTS.length)];
                };
                putInt(b, FrameLayout.LENGTH_OFFSET, v);
                trail.append("; length=").append(v);
            }
            default -> { // the type byte: any value
                if (b.length < FrameLayout.HEADER_BYTES) {
                    return b;
                }
                b = b.clone();
                b[FrameLayout.TYPE_OFFSET] = (byte) r.nextInt(256);
                trail.append("; type=").append(b[FrameLayout.TYPE_OFFSET]);
            }
        }
        return b;
    }

    private static int getInt(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | b[at + 3] & 0xFF;
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
